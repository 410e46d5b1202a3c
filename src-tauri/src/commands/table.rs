// The command table: every command the window may call, the module it lives in, and who may call
// it (`Public`: works signed out; otherwise the `Permission` the signed-in role must hold). It is
// the only list. `build.rs` includes this file for tauri-build's `allow-*` permissions, the shell
// (`commands/mod.rs`) for the handler list and each command's permission check, and the shell's
// tests generate `capabilities/default.json` and `ui/src/lib/bindings/commands.ts` from it and
// name any place that disagrees (`src-tauri/tests/shell/commands.rs`).
//
// This file is `include!`d by two macros of the same name, not compiled as a module, so it holds
// the one invocation and plain comments only. Names are the wire names: E2E and automation use them.
command_table! {
    app::app_info => Public,
    app::connectivity => Public,
    session::session_status => Public,
    session::sign_in => Public,
    session::cancel_sign_in => Public,
    session::sign_out => Public,
    session::lock_session => Public,
    session::session_activity => Public,
    session::update_session_settings => ManageSignIn,
    session::adopt_proposed_sign_in => ManageSignIn,
    app::db_info => Read,
    connections::list_connections => Read,
    audit::list_audit_events => Read,
    audit::verify_audit_log => Read,
    collections::list_collections => Read,
    collections::get_collection => Read,
    collections::collect_invoice => CollectPayments,
    collections::cancel_collection => CollectPayments,
    collections::retry_collection => CollectPayments,
    collections::refund_collection => CollectPayments,
    gocardless::connect_gocardless => ManageCredentials,
    gocardless::list_gocardless_mandates => Read,
    gocardless::list_gocardless_payouts => Read,
    gocardless::sync_gocardless => Read,
    gocardless::gocardless_contact_mandates => Read,
    gocardless::start_gocardless_mandate_setup => CollectPayments,
    gocardless::follow_gocardless_mandate_setup => Read,
    gocardless::cancel_gocardless_mandate_setup => CollectPayments,
    saferpay::connect_saferpay => ManageCredentials,
    saferpay::saferpay_status => Read,
    saferpay::list_saferpay_mandates => Read,
    saferpay::saferpay_contact_mandates => Read,
    saferpay::record_saferpay_mandate => CollectPayments,
    settlement::get_settlement_mappings => Read,
    settlement::set_settlement_mapping => ManageConnections,
    xero::list_organisations => Read,
    xero::connect_xero => ManageConnections,
    xero::keep_organisations => ManageConnections,
    xero::sync_now => Read,
    xero::cancel_sync => Read,
    xero::disconnect_organisation => ManageConnections,
    xero::list_invoices => Read,
    xero::get_invoice => Read,
    xero::open_in_xero => Read,
    xero::list_contacts => Read,
    xero::get_contact => Read,
    xero::list_bank_transactions => Read,
    xero::get_bank_transaction => Read,
}
