//! Fixed-width integers read out of a binary's headers (ELF, PE, Mach-O),
//! for the tests that inspect the cross-built releases.

fn field<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    bytes[at..at + N].try_into().unwrap()
}

/// The little-endian u16 at `at`.
pub fn le16(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(field(bytes, at))
}

/// The little-endian u32 at `at`.
pub fn le32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(field(bytes, at))
}

/// The little-endian u64 at `at`, as an offset or size.
pub fn le64(bytes: &[u8], at: usize) -> usize {
    u64::from_le_bytes(field(bytes, at)).try_into().unwrap()
}

/// The big-endian u32 at `at` (code signature blobs are big-endian).
pub fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(field(bytes, at))
}
