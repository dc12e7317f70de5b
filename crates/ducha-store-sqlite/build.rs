fn main() {
    // `sqlx::migrate!` embeds the folder when the crate compiles; a new file must rebuild it.
    println!("cargo:rerun-if-changed=migrations");
}
