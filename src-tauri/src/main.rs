fn main() { xero_partner_lib::run() }
