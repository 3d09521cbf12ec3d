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

/// Windows-1252 bytes 0x80–0x9F; `None` where the code page has no character.
const HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The Windows-1252 byte of a character, if it has one. Controls are not characters here.
pub fn byte_of(c: char) -> Option<u8> {
    let code = u32::from(c);
    match code {
        0x20..=0x7E => u8::try_from(code).ok(),
        0xA0..=0xFF => u8::try_from(code).ok(),
        _ => HIGH.iter().position(|h| *h == Some(c)).and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// The character a byte prints as (for decoding goldens and tests).
pub fn char_of(b: u8) -> Option<char> {
    match b {
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(b)),
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => None,
    }
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

/// Encodes text that went through [`printable`]; any other character becomes `?` (0x3F).
pub fn encode(text: &str) -> Vec<u8> {
    text.chars().filter(|c| *c != '\n').map(|c| byte_of(c).unwrap_or(b'?')).collect()
}

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
