fn main() {
    // ui/ is embedded at compile time: rebuild when any of its files change.
    println!("cargo:rerun-if-changed=../ui");
    tauri_build::build()
}
