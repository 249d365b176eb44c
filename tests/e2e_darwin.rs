//! The darwin releases, inspected (nothing runs Mach-O here): each is a
//! stripped 64-bit Mach-O executable of its architecture under 8 MB,
//! stamped for macOS 12 or older, the arm64 one carrying an ad-hoc code
//! signature whose page hashes match its final bytes (macOS on Apple
//! silicon kills a binary without one), and linking only libSystem (with iconv) and three Apple
//! frameworks,
//! binding from those only the symbols listed in
//! `tests/fixtures/darwin/framework-symbols.txt`, each of which the list
//! records as exported by Apple's SDK for that oldest macOS.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};
use support::bytes::{be32, le16, le32};
use support::*;

/// The darwin binaries to inspect, and their CPU types: those `make test`
/// builds (darwin_arm64, the one people run), or those `DARWIN_PLATFORMS`
/// names (`make release` inspects both it builds).
fn platforms() -> Vec<(String, u32)> {
    let named = std::env::var("DARWIN_PLATFORMS").unwrap_or_default();
    let mut names: Vec<String> = named.split_whitespace().map(str::to_owned).collect();
    if names.is_empty() {
        names = CROSS_PLATFORMS
            .iter()
            .filter(|p| p.starts_with("darwin_"))
            .map(|p| (*p).to_owned())
            .collect();
    }
    names
        .into_iter()
        .map(|name| {
            let cpu = match name.as_str() {
                "darwin_arm64" => CPU_TYPE_ARM64,
                "darwin_amd64" => CPU_TYPE_X86_64,
                other => panic!("DARWIN_PLATFORMS names {other}, not a darwin platform"),
            };
            (name, cpu)
        })
        .collect()
}

const MH_MAGIC_64: u32 = 0xfeed_facf;
const MH_EXECUTE: u32 = 2;
const CPU_TYPE_X86_64: u32 = 0x0100_0007;
const CPU_TYPE_ARM64: u32 = 0x0100_000c;

const LC_SYMTAB: u32 = 0x2;
const LC_LOAD_DYLIB: u32 = 0xc;
const LC_LOAD_WEAK_DYLIB: u32 = 0x8000_0018;
const LC_REEXPORT_DYLIB: u32 = 0x8000_001f;
const LC_LAZY_LOAD_DYLIB: u32 = 0x20;
const LC_LOAD_UPWARD_DYLIB: u32 = 0x8000_0023;
const LC_CODE_SIGNATURE: u32 = 0x1d;
const LC_VERSION_MIN_MACOSX: u32 = 0x24;
const LC_BUILD_VERSION: u32 = 0x32;
const PLATFORM_MACOS: u32 = 1;

/// The newest minimum macOS the binaries may demand: 12.0, as xxxx.yy.zz.
const NEWEST_MINIMUM: u32 = 12 << 16;

/// What a macOS binary may link: the C library, iconv (which Rust's libc
/// crate links on Apple systems) and these frameworks.
const ALLOWED_LIBRARIES: [&str; 6] = [
    "/usr/lib/libSystem.B.dylib",
    "/usr/lib/libcharset.1.dylib",
    "/usr/lib/libiconv.2.dylib",
    "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation",
    "/System/Library/Frameworks/Security.framework/Versions/A/Security",
    "/System/Library/Frameworks/SystemConfiguration.framework/Versions/A/SystemConfiguration",
];

const SUPERBLOB_MAGIC: u32 = 0xfade_0cc0;
const CODE_DIRECTORY_MAGIC: u32 = 0xfade_0c02;
const CS_ADHOC: u32 = 0x2;
const CS_HASHTYPE_SHA256: u8 = 2;

fn c_string(bytes: &[u8], at: usize) -> String {
    let end = bytes[at..].iter().position(|b| *b == 0).unwrap();
    String::from_utf8(bytes[at..at + end].to_vec()).unwrap()
}

/// What the inspection reads of a Mach-O executable.
#[derive(Debug, Default)]
struct MachO {
    cpu: u32,
    file_type: u32,
    /// Libraries in load order: a symbol's library ordinal counts from 1.
    libraries: Vec<String>,
    minimum_macos: Option<u32>,
    /// (offset, size) of the code signature.
    signature: Option<(usize, usize)>,
    /// Undefined external symbols by the library they are bound to.
    imports: BTreeMap<String, BTreeSet<String>>,
    /// Symbols defined here (local and exported): thousands unstripped.
    defined_symbols: usize,
    /// Debugger (STABS) entries in the symbol table.
    debug_symbols: usize,
}

fn parse(bytes: &[u8]) -> MachO {
    assert_eq!(le32(bytes, 0), MH_MAGIC_64, "not a 64-bit Mach-O");
    let mut macho = MachO {
        cpu: le32(bytes, 4),
        file_type: le32(bytes, 12),
        ..MachO::default()
    };
    let commands = le32(bytes, 16);
    let mut symtab = None;
    let mut at = 32;
    for _ in 0..commands {
        let (cmd, size) = (le32(bytes, at), le32(bytes, at + 4) as usize);
        match cmd {
            LC_LOAD_DYLIB | LC_LOAD_WEAK_DYLIB | LC_REEXPORT_DYLIB | LC_LAZY_LOAD_DYLIB
            | LC_LOAD_UPWARD_DYLIB => {
                let name = c_string(bytes, at + le32(bytes, at + 8) as usize);
                macho.libraries.push(name);
            }
            LC_BUILD_VERSION => {
                assert_eq!(le32(bytes, at + 8), PLATFORM_MACOS, "not built for macOS");
                macho.minimum_macos = Some(le32(bytes, at + 12));
            }
            LC_VERSION_MIN_MACOSX => macho.minimum_macos = Some(le32(bytes, at + 8)),
            LC_CODE_SIGNATURE => {
                let (offset, size) = (le32(bytes, at + 8), le32(bytes, at + 12));
                macho.signature = Some((offset as usize, size as usize));
            }
            LC_SYMTAB => symtab = Some((at + 8, at + 12, at + 16)),
            _ => {}
        }
        at += size;
    }
    let (symoff, nsyms, stroff) = symtab.expect("no symbol table");
    let (symoff, nsyms, stroff) = (
        le32(bytes, symoff) as usize,
        le32(bytes, nsyms) as usize,
        le32(bytes, stroff) as usize,
    );
    for i in 0..nsyms {
        let entry = symoff + i * 16;
        let (strx, kind) = (le32(bytes, entry) as usize, bytes[entry + 4]);
        let desc = le16(bytes, entry + 6);
        if kind & 0xe0 != 0 {
            macho.debug_symbols += 1;
            continue;
        }
        // N_TYPE other than N_UNDF: defined here.
        if kind & 0x0e != 0 {
            macho.defined_symbols += 1;
            continue;
        }
        // N_EXT set and N_TYPE == N_UNDF: an import.
        if kind & 0x1 == 0 || kind & 0x0e != 0 {
            continue;
        }
        let ordinal = usize::from(desc >> 8);
        let library = match ordinal {
            1.. if ordinal <= macho.libraries.len() => macho.libraries[ordinal - 1].clone(),
            other => format!("<ordinal {other}: not a two-level namespace binding>"),
        };
        let name = c_string(bytes, stroff + strx);
        macho.imports.entry(library).or_default().insert(name);
    }
    macho
}

/// Checks the ad-hoc signature's CodeDirectory: its page hashes over every
/// byte before the signature.
fn assert_signed_ad_hoc(bytes: &[u8], signature: (usize, usize)) {
    let (offset, size) = signature;
    assert!(
        offset + size <= bytes.len(),
        "the signature lies past the end"
    );
    let blob = &bytes[offset..offset + size];
    assert_eq!(be32(blob, 0), SUPERBLOB_MAGIC, "no embedded signature");
    let count = be32(blob, 8) as usize;
    let directory = (0..count)
        .map(|i| be32(blob, 12 + i * 8 + 4) as usize)
        .find(|at| be32(blob, *at) == CODE_DIRECTORY_MAGIC)
        .expect("no CodeDirectory");
    let cd = &blob[directory..];
    assert_ne!(be32(cd, 12) & CS_ADHOC, 0, "not an ad-hoc signature");
    let hash_offset = be32(cd, 16) as usize;
    let code_slots = be32(cd, 28) as usize;
    let code_limit = be32(cd, 32) as usize;
    let (hash_size, hash_type, page_shift) = (cd[36], cd[37], cd[39]);
    assert_eq!(
        (hash_size, hash_type),
        (32, CS_HASHTYPE_SHA256),
        "not SHA-256"
    );
    assert_eq!(code_limit, offset, "the signature does not cover the code");
    let page = 1usize << page_shift;
    assert_eq!(code_slots, code_limit.div_ceil(page));
    for slot in 0..code_slots {
        let start = slot * page;
        let data = &bytes[start..(start + page).min(code_limit)];
        let expected = &cd[hash_offset + slot * 32..hash_offset + slot * 32 + 32];
        assert_eq!(
            Sha256::digest(data).as_slice(),
            expected,
            "page {slot} does not match its hash: the signature is not over the final bytes"
        );
    }
}

/// The committed list: framework install path → symbols it may bind.
fn listed_symbols() -> BTreeMap<String, BTreeSet<String>> {
    let text =
        std::fs::read_to_string(repo_root().join("tests/fixtures/darwin/framework-symbols.txt"))
            .unwrap();
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        let line = line.split('#').next().unwrap().trim_end();
        if line.is_empty() {
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            let framework: &String = current.as_ref().expect("a symbol before any framework");
            listed
                .get_mut(framework)
                .unwrap()
                .insert(line.trim().to_owned());
        } else {
            listed.entry(line.to_owned()).or_default();
            current = Some(line.to_owned());
        }
    }
    listed
}

#[test]
fn each_darwin_binary_is_a_stripped_signed_mach_o_of_its_architecture() {
    if cross_skipped("darwin") {
        return;
    }
    for (platform, cpu) in platforms() {
        let bytes = std::fs::read(release_binary(&platform)).unwrap();
        let macho = parse(&bytes);
        assert_eq!(macho.cpu, cpu, "{platform}: wrong architecture");
        assert_eq!(macho.file_type, MH_EXECUTE, "{platform}: not an executable");
        assert!(bytes.len() < 8_000_000, "{platform}: {} bytes", bytes.len());
        // What stripping leaves: the header symbol and aws-lc's assembly
        // globals, a dozen or so.
        assert!(
            macho.defined_symbols < 100,
            "{platform}: not stripped ({} symbols)",
            macho.defined_symbols
        );
        assert_eq!(macho.debug_symbols, 0, "{platform}: carries STABS entries");
        let minimum = macho.minimum_macos.expect("no minimum macOS");
        assert!(
            minimum <= NEWEST_MINIMUM,
            "{platform}: needs macOS {}.{}",
            minimum >> 16,
            (minimum >> 8) & 0xff
        );
        // Apple silicon runs no unsigned native code; Intel Macs (and
        // Rosetta) need no signature, and zig signs arm64 only.
        match (cpu, macho.signature) {
            (_, Some(signature)) => assert_signed_ad_hoc(&bytes, signature),
            (CPU_TYPE_ARM64, None) => panic!("{platform}: no code signature"),
            (_, None) => {}
        }
    }
}

#[test]
fn darwin_binaries_link_only_libsystem_and_the_listed_framework_symbols() {
    if cross_skipped("darwin") {
        return;
    }
    let listed = listed_symbols();
    let mut bound_anywhere: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (platform, _) in platforms() {
        let macho = parse(&std::fs::read(release_binary(&platform)).unwrap());
        for library in &macho.libraries {
            assert!(
                ALLOWED_LIBRARIES.contains(&library.as_str()),
                "{platform} links {library}, which is not a library macOS ships"
            );
        }
        for (library, symbols) in &macho.imports {
            assert!(
                ALLOWED_LIBRARIES.contains(&library.as_str()),
                "{platform} binds {symbols:?} from {library}"
            );
            if library.starts_with("/usr/lib/") {
                continue;
            }
            let allowed = listed.get(library).cloned().unwrap_or_default();
            let unlisted: Vec<_> = symbols.difference(&allowed).collect();
            assert!(
                unlisted.is_empty(),
                "{platform} binds from {library} symbols the SDK list lacks: {unlisted:?}"
            );
            bound_anywhere
                .entry(library.clone())
                .or_default()
                .extend(symbols.iter().cloned());
        }
    }
    // The list holds nothing unused: what it names is what is bound.
    assert_eq!(bound_anywhere, listed);
}
