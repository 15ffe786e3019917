//! The punycode decoder of [RFC 3492](https://www.rfc-editor.org/rfc/rfc3492),
//! for checking that an `xn--` label of a host is the ASCII form of a
//! Unicode label (UTS #46, as the URL Standard's domain-to-ASCII applies it).

/// The punycode decoder of RFC 3492 §6.2 (base 36, tmin 1, tmax 26,
/// skew 38, damp 700, initial bias 72, initial n 128).
pub(crate) fn decode(input: &str) -> Option<Vec<char>> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let (basic, extended) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut output: Vec<char> = basic.chars().collect();
    if output.iter().any(|c| !c.is_ascii()) {
        return None;
    }
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = extended.bytes().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = match digits.next()? {
                b @ b'a'..=b'z' => u32::from(b - b'a'),
                b @ b'0'..=b'9' => u32::from(b - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                TMIN
            } else if k >= bias + TMAX {
                TMAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = u32::try_from(output.len()).ok()? + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        let c = char::from_u32(n)?;
        output.insert(usize::try_from(i).ok()?, c);
        i += 1;
    }
    Some(output)
}

/// RFC 3492 §6.1 bias adaptation.
fn adapt(delta: u32, num_points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3492 §7.1's samples and more, as Python's reference codec
    /// encodes them: the decoder must give back the very code points.
    #[test]
    fn punycode_decodes_known_labels() {
        for (encoded, decoded) in [
            ("mnchen-3ya", "münchen"),
            ("bcher-kva", "bücher"),
            ("ihqwcrb4cv8a8dqg056pqjye", "他们为什么不说中文"),
            ("3B-ww4c5e180e575a65lsy2b", "3年B組金八先生"),
            (
                "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
                "安室奈美恵-with-SUPER-MONKEYS",
            ),
            ("de-jg4avhby1noc0d", "パフィーdeルンバ"),
            ("d9juau41awczczp", "そのスピードで"),
            ("tda", "ü"),
            // Only basic code points: decodes, and the label check refuses it.
            ("mnchen-", "mnchen"),
            ("--dhaab", "üü-ü"),
            ("8kaaaaaaaaaaaaaaaaaaaa", &"Ȁ".repeat(20)),
            ("x-iv3s", "😀x"),
            // Bias adaptation exactly at its loop bound (delta 455), and
            // just over it.
            (
                "---t92c16cz40dv6j67ddt2ap2r1w1cdygy5e",
                "骅溵鞜稊-芼鰜-汉倇擆亮",
            ),
            ("e-se8eo12fe0e", "텧뇜e휔"),
            (
                "a-bgaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                &format!("a{}", "é".repeat(30)),
            ),
        ] {
            let got: Option<String> = decode(encoded).map(|c| c.into_iter().collect());
            assert_eq!(got.as_deref(), Some(decoded), "{encoded}");
        }
        // A digit that is not one, a non-ASCII basic part, an unfinished
        // number (or one that overflows).
        for bad in [
            "mnchen-3y!",
            "ü-3ya",
            "99999999999999",
            "a-zzzzzzzzzzzzzzzzzzzz",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
