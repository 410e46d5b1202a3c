//! `sqlx::migrate!` embeds the migrations at compile time; without this, a new `.sql` file in a
//! warm build cache (CI keeps one outside the clone) would not be embedded.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
