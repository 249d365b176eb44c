//! `gen-docs`: writes the registry docs under `docs/` from the schema,
//! templates and examples. Run from the repository root:
//! `cargo run --bin gen-docs`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in terraform_provider_dli::docs::generate() {
        let path = root.join(file.path);
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("gen-docs: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        if let Err(e) = std::fs::write(&path, file.content) {
            eprintln!("gen-docs: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", file.path);
    }
    ExitCode::SUCCESS
}
