//! A strict Windows-1252 encoder for the printer's WPC1252 code page.
//!
//! The `escpos` crate falls back to UTF-8 for characters its table lacks, which prints as
//! garbage; this encoder never emits UTF-8. Text first goes through [`printable`], the documented
//! fallback, so the preview shows exactly what the printer gets:
//!
//! - every space-like character (U+00A0, U+202F, U+2007, U+2009, tab, ...) → a plain space;
//! - dashes and minus signs that Windows-1252 lacks (U+2010, U+2011, U+2212, ...) → `-`;
//! - Latin letters with diacritics that Windows-1252 lacks (Polish, Czech, Hungarian, ...) → the
//!   base letter (`ł` → `l`, `ő` → `o`, `č` → `c`);
//! - the soft hyphen U+00AD → dropped (printers show it as a visible dash);
//! - control characters → dropped, so text can never smuggle ESC/POS commands;
//! - anything else → `?`.

/// The Windows-1252 byte of a character, if it has one (`encoding_rs`' table, without
/// replacement: an unmappable character is `None`, never an HTML escape or UTF-8). Controls are
/// not characters here.
pub fn byte_of(c: char) -> Option<u8> {
    if c.is_control() {
        return None;
    }
    let mut utf8 = [0u8; 4];
    let mut out = [0u8; 4];
    let mut encoder = encoding_rs::WINDOWS_1252.new_encoder();
    let (result, _, written) = encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut out, true);
    (result == encoding_rs::EncoderResult::InputEmpty && written == 1).then_some(out[0])
}

/// The character a byte prints as (for decoding goldens and tests); `None` for controls and the
/// five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
pub fn char_of(b: u8) -> Option<char> {
    let byte = [b];
    let text = encoding_rs::WINDOWS_1252.decode_without_bom_handling_and_without_replacement(&byte)?;
    text.chars().next().filter(|c| !c.is_control())
}

/// Replaces what Windows-1252 cannot print by the fallback in the module documentation.
/// Every character of the result has a byte in [`byte_of`] (except `\n`, which is kept for the
/// layout to split lines on).
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' {
            out.push('\n');
        } else if c.is_whitespace() {
            out.push(' ');
        } else if matches!(c, '\u{00AD}' | '\u{200B}' | '\u{FEFF}') || c.is_control() {
            continue;
        } else if byte_of(c).is_some() {
            out.push(c);
        } else if let Some(base) = fallback(c) {
            out.push(base);
        } else {
            out.push('?');
        }
    }
    out
}

/// Encodes text that went through [`printable`]. Strict: a character Windows-1252 lacks is an
/// error (the printer would print garbage), so text that skipped [`printable`] is caught, never
/// sent as UTF-8. Newlines are dropped (the layout has split lines on them).
pub fn try_encode(text: &str) -> Result<Vec<u8>, Unmappable> {
    text.chars().filter(|c| *c != '\n').map(|c| byte_of(c).ok_or(Unmappable(c))).collect()
}

/// [`try_encode`] for text that went through [`printable`]; should anything unmappable remain,
/// it prints as `?` (0x3F).
pub fn encode(text: &str) -> Vec<u8> {
    try_encode(text)
        .unwrap_or_else(|_| text.chars().filter(|c| *c != '\n').map(|c| byte_of(c).unwrap_or(b'?')).collect())
}

/// A character Windows-1252 cannot print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} has no Windows-1252 byte")]
pub struct Unmappable(pub char);

fn fallback(c: char) -> Option<char> {
    let base = match c {
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2043}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{2032}' => '\'',
        '\u{2033}' => '"',
        'Ā' | 'Ă' | 'Ą' => 'A',
        'ā' | 'ă' | 'ą' => 'a',
        'Ć' | 'Ĉ' | 'Ċ' | 'Č' => 'C',
        'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'Ď' | 'Đ' => 'D',
        'ď' | 'đ' => 'd',
        'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => 'E',
        'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => 'G',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'Ĥ' | 'Ħ' => 'H',
        'ĥ' | 'ħ' => 'h',
        'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => 'I',
        'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'Ĵ' => 'J',
        'ĵ' => 'j',
        'Ķ' => 'K',
        'ķ' => 'k',
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => 'L',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'Ń' | 'Ņ' | 'Ň' => 'N',
        'ń' | 'ņ' | 'ň' => 'n',
        'Ō' | 'Ŏ' | 'Ő' => 'O',
        'ō' | 'ŏ' | 'ő' => 'o',
        'Ŕ' | 'Ŗ' | 'Ř' => 'R',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'Ś' | 'Ŝ' | 'Ş' | 'Ș' => 'S',
        'ś' | 'ŝ' | 'ş' | 'ș' => 's',
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => 'T',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => 'U',
        'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'Ŵ' => 'W',
        'ŵ' => 'w',
        'Ŷ' => 'Y',
        'ŷ' => 'y',
        'Ź' | 'Ż' => 'Z',
        'ź' | 'ż' => 'z',
        _ => return None,
    };
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_line_encodes_to_windows_1252() {
        let text = printable("ÄÖÜ äöü ß € – Test");
        assert_eq!(text, "ÄÖÜ äöü ß € – Test");
        assert_eq!(
            encode(&text),
            [
                0xC4, 0xD6, 0xDC, 0x20, 0xE4, 0xF6, 0xFC, 0x20, 0xDF, 0x20, 0x80, 0x20, 0x96, 0x20, b'T', b'e', b's',
                b't'
            ]
        );
    }

    #[test]
    fn fallback_is_as_documented() {
        assert_eq!(printable("1\u{202F}234,56\u{00A0}€"), "1 234,56 €");
        assert_eq!(printable("Łódź Kč Győr"), "Lódz Kc Gyor");
        assert_eq!(printable("\u{2212}5 a\u{00AD}b"), "-5 ab");
        assert_eq!(printable("x\u{1b}@y\u{7}"), "x@y");
        assert_eq!(printable("日本 ☃"), "?? ?");
        // ASCII '-' stays 0x2D (some code pages turn it into a soft hyphen).
        assert_eq!(encode("-"), [0x2D]);
    }

    #[test]
    fn unmappable_characters_are_an_error_not_utf8() {
        assert_eq!(try_encode("a€b"), Ok(vec![b'a', 0x80, b'b']));
        assert_eq!(try_encode("Ł"), Err(Unmappable('Ł')));
        assert_eq!(try_encode("日"), Err(Unmappable('日')));
        assert_eq!(try_encode("\u{1b}"), Err(Unmappable('\u{1b}')));
        assert_eq!(encode("a日"), [b'a', b'?']);
        // The five holes of the code page decode to nothing.
        for b in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
            assert_eq!(char_of(b), None, "{b:#x}");
        }
        assert_eq!(char_of(0x80), Some('€'));
        assert_eq!(char_of(0x9F), Some('Ÿ'));
    }

    #[test]
    fn every_printable_char_has_one_byte_and_decodes_back() {
        for b in 0u8..=255 {
            if let Some(c) = char_of(b) {
                assert_eq!(byte_of(c), Some(b), "{c:?}");
                let expected = if b == 0xAD { 0 } else { 1 };
                assert_eq!(printable(&c.to_string()).chars().count(), expected, "{c:?}");
            }
        }
    }
}
