//! What a file that should be text is instead (a gzip or zip archive, other compressed
//! data), told from its first bytes, so an error can say how to unpack it rather than only
//! "not valid UTF-8".

/// An archive or compressed file, by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packed {
    Gzip,
    Zip,
    Xz,
    Bzip2,
    Zstd,
    SevenZip,
}

impl Packed {
    /// The kind of `bytes`, if they start like one of the known formats.
    pub fn detect(bytes: &[u8]) -> Option<Packed> {
        const KINDS: &[(&[u8], Packed)] = &[
            (&[0x1f, 0x8b], Packed::Gzip),
            (b"PK\x03\x04", Packed::Zip),
            (b"PK\x05\x06", Packed::Zip),
            (&[0xfd, b'7', b'z', b'X', b'Z', 0x00], Packed::Xz),
            (&[0x28, 0xb5, 0x2f, 0xfd], Packed::Zstd),
            (&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c], Packed::SevenZip),
        ];
        // bzip2: "BZh", the block size digit, then the first block's magic.
        if bytes.len() >= 10
            && bytes.starts_with(b"BZh")
            && (b'1'..=b'9').contains(&bytes[3])
            && &bytes[4..10] == b"1AY&SY"
        {
            return Some(Packed::Bzip2);
        }
        KINDS
            .iter()
            .find(|(magic, _)| bytes.starts_with(magic))
            .map(|(_, kind)| *kind)
    }

    /// What people call it: "a gzip file".
    pub fn what(self) -> &'static str {
        match self {
            Packed::Gzip => "a gzip-compressed file",
            Packed::Zip => "a zip archive",
            Packed::Xz => "an xz-compressed file",
            Packed::Bzip2 => "a bzip2-compressed file",
            Packed::Zstd => "a zstd-compressed file",
            Packed::SevenZip => "a 7-Zip archive",
        }
    }

    /// How to unpack `file`, as a hint.
    pub fn how(self, file: &str) -> String {
        let q = shell_quote(file);
        match self {
            Packed::Gzip => format!("decompress it first: `gunzip -k {q}`"),
            Packed::Zip => format!("unpack it first (`unzip {q}`) and use the file inside"),
            Packed::Xz => format!("decompress it first: `unxz -k {q}`"),
            Packed::Bzip2 => format!("decompress it first: `bunzip2 -k {q}`"),
            Packed::Zstd => format!("decompress it first: `unzstd {q}`"),
            Packed::SevenZip => format!("unpack it first (`7z x {q}`) and use the file inside"),
        }
    }
}

/// `s` as one shell word (quoted only when it needs to be).
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./+:@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_archives_not_text() {
        assert_eq!(Packed::detect(&[0x1f, 0x8b, 8, 0]), Some(Packed::Gzip));
        assert_eq!(Packed::detect(b"PK\x03\x04rest"), Some(Packed::Zip));
        assert_eq!(Packed::detect(b"name: x\n"), None);
        assert_eq!(Packed::detect(b""), None);
        assert_eq!(
            Packed::Gzip.how("my pack.gz"),
            "decompress it first: `gunzip -k 'my pack.gz'`"
        );
    }
}
