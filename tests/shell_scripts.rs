//! `scripts/check-bash3.py`, which `make lint` runs on every shell script
//! (make release runs on a Mac, whose bash is 3.2): it finds each bash-4
//! construct it names, and passes the project's own scripts.

mod support;

use std::process::Command;

use support::*;

/// Whether the check passes `paths`, and what it said.
fn check_files(paths: &[std::path::PathBuf]) -> (bool, String) {
    let output = Command::new("python3")
        .arg(repo_root().join("scripts/check-bash3.py"))
        .args(paths)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn check(script: &str) -> (bool, String) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    check_files(&[file.path().to_owned()])
}

#[test]
fn each_bash4_construct_is_found_with_what_to_write_instead() {
    for (line, lacks) in [
        ("declare -A binaries=()", "associative arrays"),
        ("  local -n ref=$1", "namerefs"),
        ("    --out) x ;;&", "case fall-through"),
        ("mapfile -t lines < file", "mapfile"),
        ("echo \"${name,,}\"", "case modification"),
        ("echo \"${name^^}\"", "case modification"),
        ("echo \"${list[-1]}\"", "negative array subscripts"),
        ("make 2>&1 |& tee log", "&>> and |&"),
        ("wait -n", "wait -n"),
        ("(cd dist && sha256sum *.zip > SUMS)", "sha256sum"),
        ("read -r -i default answer", "read -i"),
        ("[[ -v HW_PROFILE ]] && echo set", "[[ -v"),
        ("declare -g RESULT=1", "declare -g/-l/-u"),
        ("exec {log}>build.log", "exec {fd}>"),
        ("printf '%(%F)T' -1", "printf %(…)T"),
        ("echo $BASHPID", "$BASHPID"),
    ] {
        let (passed, said) = check(&format!("#!/usr/bin/env bash\n{line}\n"));
        assert!(!passed, "{line}: not found");
        assert!(said.contains(&format!("bash 3.2 lacks {lacks}")), "{said}");
        assert!(said.contains(":2:") && said.contains("instead"), "{said}");
    }
}

#[test]
fn bash3_constructs_and_comments_pass() {
    let script = "#!/usr/bin/env bash\n\
        # declare -A would not do here\n\
        list=(a b); list+=(c); echo \"${list[@]}\" \"${!list[@]}\" \"${#list[@]}\"\n\
        sha256() { if command -v sha256sum >/dev/null; then sha256sum \"$@\"; else shasum -a 256 \"$@\"; fi; }\n\
        read -r -a words <<< \"$line\"\n\
        read -r first <<< \"$(grep -i dli notes)\"\n\
        echo \"run sha256sum yourself\"\n\
        case $1 in a) ;; esac\n";
    let (passed, said) = check(script);
    assert!(passed, "{said}");
}

#[test]
fn a_construct_on_a_continued_line_is_found_at_its_first_line() {
    let (passed, said) = check("#!/usr/bin/env bash\nfind dist -name '*.zip' \\\n  | sha256sum\n");
    assert!(!passed, "{said}");
    assert!(said.contains(":2:"), "{said}");
}

#[test]
fn the_projects_own_scripts_pass() {
    let mut scripts = vec![repo_root().join(".ci/run")];
    for entry in std::fs::read_dir(repo_root().join("scripts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sh") {
            scripts.push(path);
        }
    }
    let (passed, said) = check_files(&scripts);
    assert!(passed, "{said}");
}
