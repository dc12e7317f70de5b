//! Writes the labelled appeals the clustering tests read:
//! `cargo run -p ducha-domain --example hot_sample > crates/ducha-domain/tests/data/appeals-labelled.tsv`
//! (arguments: seed and count, 1 and 1200 by default).

fn main() {
    let mut args = std::env::args().skip(1);
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let count = args.next().and_then(|s| s.parse().ok()).unwrap_or(1200);
    let appeals = ducha_domain::hot::sample::generate(seed, count);
    print!("{}", ducha_domain::hot::sample::to_tsv(&appeals));
}
