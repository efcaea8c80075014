//! Turns the plain-Unicode formulas that functions and optimizers carry
//! (`"θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ + ε)"`) into MathML, so the page shows each
//! formula from the same place it is defined. Browsers render MathML natively.

/// MathML for one formula line, as a `<math>` element.
pub fn to_mathml(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    let body = parse(&chars, &mut pos, false);
    format!("<math display=\"inline\"><mrow>{body}</mrow></math>")
}

/// HTML for a formula line that may be long (the inspector's, with its
/// numbers): the formula cut at each " = " into pieces of MathML that the
/// browser can wrap between, and a trailing note in parentheses (after two
/// spaces) kept as plain text.
pub fn to_wrapping_html(text: &str) -> String {
    let (formula, note) = match text.rfind("  (") {
        Some(i) if text.ends_with(')') => (&text[..i], Some(&text[i + 3..text.len() - 1])),
        _ => (text, None),
    };
    let mut out = String::new();
    for (i, piece) in formula.split(" = ").enumerate() {
        let eq = if i == 0 { "" } else { "= " };
        out += &format!("<span class=\"seg\">{eq}{}</span> ", to_mathml(piece));
    }
    if let Some(note) = note {
        let note: String = note.chars().map(escape).collect();
        out += &format!("<span class=\"note\">({note})</span>");
    }
    out.trim_end().to_string()
}

fn sup_base(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        'ᵗ' => 't',
        '⁺' => '+',
        '⁻' => '−',
        _ => return None,
    })
}

fn sub_base(c: char) -> Option<char> {
    Some(match c {
        '₀' => '0',
        '₁' => '1',
        '₂' => '2',
        '₃' => '3',
        'ₜ' => 't',
        'ᵢ' => 'i',
        'ₐ' => 'a',
        'ₑ' => 'e',
        'ₘ' => 'm',
        'ₙ' => 'n',
        'ₒ' => 'o',
        'ₚ' => 'p',
        'ᵣ' => 'r',
        'ₛ' => 's',
        'ᵥ' => 'v',
        'ₓ' => 'x',
        '₊' => '+',
        '₋' => '−',
        _ => return None,
    })
}

fn escape(c: char) -> String {
    match c {
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '&' => "&amp;".into(),
        _ => c.to_string(),
    }
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Parses until the end, or until an unmatched `)` when `in_group`.
fn parse(chars: &[char], pos: &mut usize, in_group: bool) -> String {
    let mut items: Vec<String> = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        if c == ')' && in_group {
            *pos += 1;
            break;
        }
        if c.is_whitespace() {
            *pos += 1;
            continue;
        }
        if let Some(b) = sup_base(c).or(sub_base(c)) {
            let is_sup = sup_base(c).is_some();
            let mut script = String::new();
            while *pos < chars.len() {
                let d = chars[*pos];
                match if is_sup { sup_base(d) } else { sub_base(d) } {
                    Some(x) => script.push(x),
                    None => break,
                }
                *pos += 1;
            }
            let _ = b;
            let script = token_row(&script);
            let base = items.pop().unwrap_or_else(|| "<mrow></mrow>".into());
            let tag = if is_sup { "msup" } else { "msub" };
            items.push(format!("<{tag}>{base}{script}</{tag}>"));
            continue;
        }
        if c == '√' {
            *pos += 1;
            let inner = if chars.get(*pos) == Some(&'(') {
                *pos += 1;
                parse(chars, pos, true)
            } else {
                // √ of the next letter (with its accents).
                let start = *pos;
                if *pos < chars.len() {
                    *pos += 1;
                }
                while *pos < chars.len() && is_combining(chars[*pos]) {
                    *pos += 1;
                }
                let tok: String = chars[start..*pos].iter().collect();
                format!("<mrow>{}</mrow>", token(&tok))
            };
            items.push(format!("<msqrt>{inner}</msqrt>"));
            continue;
        }
        if c == '(' {
            *pos += 1;
            let inner = parse(chars, pos, true);
            items.push(format!("<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"));
            continue;
        }
        // A word, a number, a letter with its accents, or an operator.
        let start = *pos;
        if c.is_ascii_alphabetic() || c == '_' {
            while *pos < chars.len() && (chars[*pos].is_ascii_alphanumeric() || chars[*pos] == '_')
            {
                *pos += 1;
            }
        } else if c.is_ascii_digit()
            || c == '.'
            // A minus sign starting a number where no operand precedes it
            // (after "(", ",", "=" or at the start) is the number's own.
            || (c == '−'
                && chars.get(*pos + 1).is_some_and(|d| d.is_ascii_digit())
                && items.last().is_none_or(|last| last.ends_with("</mo>")))
        {
            *pos += 1;
            while *pos < chars.len() && (chars[*pos].is_ascii_digit() || chars[*pos] == '.') {
                *pos += 1;
            }
        } else {
            *pos += 1;
            while *pos < chars.len() && is_combining(chars[*pos]) {
                *pos += 1;
            }
        }
        let tok: String = chars[start..*pos].iter().collect();
        items.push(token(&tok));
    }
    items.concat()
}

fn token_row(s: &str) -> String {
    let mut pos = 0;
    let chars: Vec<char> = s.chars().collect();
    format!("<mrow>{}</mrow>", parse(&chars, &mut pos, false))
}

fn token(tok: &str) -> String {
    let first = tok.chars().next().unwrap_or(' ');
    let number = tok.trim_start_matches('−');
    if first.is_ascii_digit()
        || (first == '.' && tok.len() > 1)
        || (first == '−' && !number.is_empty())
    {
        format!("<mn>{tok}</mn>")
    } else if tok.chars().filter(|c| !is_combining(*c)).count() > 1 && first.is_ascii_alphabetic() {
        match tok {
            "max" | "min" | "exp" | "cos" | "sin" | "log" => format!("<mi>{tok}</mi>"),
            _ => format!("<mtext>\u{a0}{tok}\u{a0}</mtext>"),
        }
    } else if first.is_alphabetic() {
        format!("<mi>{tok}</mi>")
    } else {
        format!("<mo>{}</mo>", tok.chars().map(escape).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_minus_belongs_to_its_number_and_a_binary_one_does_not() {
        let m = to_mathml("(−0.5, −2) = −3 − 4");
        assert!(
            m.contains("<mn>−0.5</mn>") && m.contains("<mn>−2</mn>") && m.contains("<mn>−3</mn>")
        );
        assert!(m.contains("<mo>−</mo><mn>4</mn>"), "{m}");
        assert!(to_mathml("vₘₐₓ").contains("<msub><mi>v</mi><mrow><mi>max</mi></mrow></msub>"));
    }

    #[test]
    fn a_long_line_breaks_at_its_equals_signs_and_keeps_its_note_as_text() {
        let html = to_wrapping_html("m ← 0.9m = (1, 2) = (3, 4)  (a <note>)");
        assert_eq!(html.matches("<span class=\"seg\">").count(), 3);
        assert!(html.contains("<span class=\"note\">(a &lt;note&gt;)</span>"));
        assert!(html.contains("<span class=\"seg\">= <math"));
        // No note: the whole line is formula.
        assert!(!to_wrapping_html("Δθ = (1, 2)").contains("note"));
    }

    #[test]
    fn scripts_roots_and_words() {
        assert_eq!(
            to_mathml("θ ← θ − γg"),
            "<math display=\"inline\"><mrow><mi>θ</mi><mo>←</mo><mi>θ</mi><mo>−</mo><mi>γ</mi><mi>g</mi></mrow></math>"
        );
        let m = to_mathml("1 − β₁ᵗ");
        assert!(m.contains("<msup><msub><mi>β</mi><mrow><mn>1</mn></mrow></msub><mrow><mi>t</mi></mrow></msup>"), "{m}");
        let m = to_mathml("√(v + ε)");
        assert!(
            m.contains("<msqrt><mi>v</mi><mo>+</mo><mi>ε</mi></msqrt>"),
            "{m}"
        );
        let m = to_mathml("√v̂ / x");
        assert!(m.contains("<msqrt><mrow><mi>v̂</mi></mrow></msqrt>"), "{m}");
        let m = to_mathml("g ← g + λθ  (if weight_decay λ ≠ 0)");
        assert!(
            m.contains("<mtext>\u{a0}if\u{a0}</mtext>") && m.contains("<mo>≠</mo>"),
            "{m}"
        );
        assert!(to_mathml("a < b").contains("<mo>&lt;</mo>"));
    }

    #[test]
    fn every_rule_and_formula_converts_with_balanced_tags() {
        let mut lines: Vec<&str> = optiviz_optim::REGISTRY
            .iter()
            .flat_map(|d| d.rule.iter().copied())
            .collect();
        lines.extend(
            optiviz_objectives::functions::REGISTRY
                .iter()
                .map(|d| d.formula),
        );
        for line in lines {
            let m = to_mathml(line);
            for tag in ["mrow", "msup", "msub", "msqrt", "mi", "mo", "mn", "mtext"] {
                assert_eq!(
                    m.matches(&format!("<{tag}>")).count(),
                    m.matches(&format!("</{tag}>")).count(),
                    "{tag} unbalanced in {line}: {m}"
                );
            }
        }
    }
}
