//! Text encodings of CSV rosters: a file is UTF-8 when all of it is valid UTF-8 (with or without a
//! BOM), UTF-16 when it starts with a UTF-16 BOM (Excel's “Unicode text”), and GB18030 — the
//! superset of GBK and GB2312 that Chinese Excel writes by default — otherwise.

use encoding_rs::{CoderResult, Decoder, Encoding, GB18030, UTF_16BE, UTF_16LE};
use std::io::{self, Read, Seek, SeekFrom};

const CHUNK: usize = 64 * 1024;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What [`sniff`] found at the start of a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextEncoding {
    /// `None` for UTF-8, which is passed through without transcoding.
    pub encoding: Option<&'static Encoding>,
    /// Bytes of BOM to skip.
    pub bom_len: u64,
    /// Length of the whole file in bytes.
    pub len: u64,
}

/// Decides the encoding by reading the whole file once (UTF-8 validation runs at memory speed and
/// stops at the first invalid byte), then rewinds the source.
pub(crate) fn sniff<R: Read + Seek>(source: &mut R) -> io::Result<TextEncoding> {
    let len = source.seek(SeekFrom::End(0))?;
    source.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; CHUNK];
    let mut carry = 0usize;
    let mut first = true;
    let mut result = TextEncoding {
        encoding: None,
        bom_len: 0,
        len,
    };
    loop {
        let n = read_full(source, &mut buf[carry..])?;
        let filled = carry + n;
        if first {
            first = false;
            let head = &buf[..filled];
            if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
                let enc = if head[0] == 0xFF { UTF_16LE } else { UTF_16BE };
                result.encoding = Some(enc);
                result.bom_len = 2;
                break;
            }
            if head.starts_with(UTF8_BOM) {
                result.bom_len = 3;
            }
        }
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carry = 0,
            // A multi-byte character cut by the chunk boundary: keep its start for the next round.
            Err(e) if e.error_len().is_none() && n > 0 => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..filled, 0);
                carry = filled - valid;
            }
            Err(_) => {
                result.encoding = Some(GB18030);
                break;
            }
        }
        if n == 0 {
            break;
        }
    }
    source.seek(SeekFrom::Start(0))?;
    Ok(result)
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that yields UTF-8 from the raw file and counts the raw bytes consumed (for progress).
pub(crate) struct Utf8Input<R> {
    inner: R,
    decoder: Option<Decoder>,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    raw_eof: bool,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    consumed: u64,
    finished: bool,
}

impl<R: Read> Utf8Input<R> {
    /// `inner` must be positioned just after the BOM.
    pub fn new(inner: R, encoding: Option<&'static Encoding>, bom_len: u64) -> Self {
        let decoder = encoding.map(|e| e.new_decoder_without_bom_handling());
        let out_cap = if decoder.is_some() { CHUNK * 3 + 16 } else { 0 };
        Utf8Input {
            inner,
            decoder,
            raw: vec![0; if out_cap > 0 { CHUNK } else { 0 }],
            raw_start: 0,
            raw_end: 0,
            raw_eof: false,
            out: vec![0; out_cap],
            out_start: 0,
            out_end: 0,
            consumed: bom_len,
            finished: false,
        }
    }

    /// Raw bytes of the file consumed so far, BOM included.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    fn refill(&mut self) -> io::Result<()> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        while self.out_start == self.out_end && !self.finished {
            if self.raw_start == self.raw_end && !self.raw_eof {
                let n = read_full(&mut self.inner, &mut self.raw)?;
                self.consumed += n as u64;
                self.raw_start = 0;
                self.raw_end = n;
                self.raw_eof = n == 0;
            }
            let (result, read, written, _) = decoder.decode_to_utf8(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                self.raw_eof,
            );
            self.raw_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.raw_eof && matches!(result, CoderResult::InputEmpty) {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Input<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.decoder.is_none() {
            let n = self.inner.read(buf)?;
            self.consumed += n as u64;
            return Ok(n);
        }
        self.refill()?;
        let n = (self.out_end - self.out_start).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn decode_all(bytes: &[u8]) -> (TextEncoding, String) {
        let mut c = Cursor::new(bytes.to_vec());
        let enc = sniff(&mut c).unwrap();
        c.seek(SeekFrom::Start(enc.bom_len)).unwrap();
        let mut input = Utf8Input::new(c, enc.encoding, enc.bom_len);
        let mut s = String::new();
        input.read_to_string(&mut s).unwrap();
        assert_eq!(input.consumed(), bytes.len() as u64);
        (enc, s)
    }

    #[test]
    fn utf8_with_a_bom_loses_the_bom() {
        let (enc, s) = decode_all("\u{feff}姓名,身份证号\n".as_bytes());
        assert_eq!(enc.encoding, None);
        assert_eq!(s, "姓名,身份证号\n");
    }

    #[test]
    fn gbk_bytes_are_read_as_gb18030() {
        let text = "姓名,身份证号\n王芳,330106198503150024\n".repeat(5000);
        let (bytes, _, _) = GB18030.encode(&text);
        let (enc, s) = decode_all(&bytes);
        assert_eq!(enc.encoding, Some(GB18030));
        assert_eq!(s, text);
    }

    #[test]
    fn utf8_characters_cut_by_the_chunk_boundary_stay_utf8() {
        let text = format!("{}{}", "a".repeat(CHUNK - 1), "姓名".repeat(100));
        let (enc, s) = decode_all(text.as_bytes());
        assert_eq!(enc.encoding, None);
        assert_eq!(s, text);
    }

    #[test]
    fn utf16_with_a_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "姓名\t身份证号\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (_, s) = decode_all(&bytes);
        assert_eq!(s, "姓名\t身份证号\r\n");
    }
}
