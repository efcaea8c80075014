//! A link's values as text: percent-encoding, and each value read as JSON.

use optiviz_base::error::ConfigError;
use optiviz_base::number::show_number;
use serde_json::{json, Value};

/// Keys that links pick up on the way (from newsletters, social sites, ad
/// trackers) and that mean nothing here; they are passed over.
pub(crate) fn is_foreign_key(key: &str) -> bool {
    key.starts_with("utm_") || matches!(key, "fbclid" | "gclid" | "msclkid" | "ref")
}

/// Percent-encodes everything but unreserved characters and the separators
/// that stay readable in a query value (`,`, `:` and `;`).
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b','
            | b':'
            | b';' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) fn decode_component(s: &str, key: &str) -> Result<String, ConfigError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ConfigError::new(key, "has a broken %-escape"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ConfigError::new(key, "is not valid UTF-8"))
}

/// A number in a link: its shortest form that reads back the same, with
/// an exponent when very large or small (1e-300, not 300 zeros).
pub(crate) fn num(x: f64) -> String {
    show_number(x)
}

/// A JSON value as a query value: a string as it is, a number in its
/// shortest form, a list with commas.
pub(crate) fn text(x: &Value) -> String {
    match x {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        _ => x.as_f64().map(num).unwrap_or_else(|| x.to_string()),
    }
}

/// A query value as JSON: a number, `true`/`false`, a list of numbers
/// (`a,b`), or else a string. Non-finite numbers are refused here, since JSON
/// cannot carry them.
pub(crate) fn value(text: &str, key: &str) -> Result<Value, ConfigError> {
    let number = |t: &str| -> Result<Option<Value>, ConfigError> {
        match t.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(json!(x))),
            Ok(x) => Err(ConfigError::new(
                key,
                format!("must be a finite number, got {}", show_number(x)),
            )),
            Err(_) => Ok(None),
        }
    };
    if let Some(v) = number(text)? {
        return Ok(v);
    }
    if text == "true" || text == "false" {
        return Ok(json!(text == "true"));
    }
    // torch's None, where a setting allows it (LBFGS's max_eval, line_search_fn).
    if text == "null" {
        return Ok(Value::Null);
    }
    if text.contains(',') {
        let items = text
            .split(',')
            .map(|t| {
                // torch's None, where a pair allows it (Adafactor's eps).
                if t == "null" {
                    return Ok(Value::Null);
                }
                number(t)?.ok_or_else(|| {
                    ConfigError::new(
                        key,
                        format!("must be numbers separated by commas, got \"{text}\""),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Value::Array(items));
    }
    Ok(Value::String(text.to_string()))
}

/// Reads `x,y;x,y;…` into `{"x": [...], "y": [...]}`, or for two features
/// `x1,x2,y;…` into `{"x": [[x1, x2], ...], "y": [...]}`.
pub(crate) fn data_rows(text: &str, features: usize) -> Result<Value, ConfigError> {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for (i, row) in text.split(';').filter(|r| !r.trim().is_empty()).enumerate() {
        let numbers: Vec<Option<f64>> = row
            .split(',')
            .map(|t| t.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect();
        match (features, numbers.as_slice()) {
            (1, [Some(x), Some(y)]) => {
                xs.push(json!(x));
                ys.push(*y);
            }
            (2, [Some(x1), Some(x2), Some(y)]) => {
                xs.push(json!([x1, x2]));
                ys.push(*y);
            }
            _ => {
                let shape = if features == 2 {
                    "three finite numbers x1,x2,y"
                } else {
                    "two finite numbers x,y"
                };
                return Err(ConfigError::new(
                    "data",
                    format!("row {} must be {shape}, got \"{row}\"", i + 1),
                ));
            }
        }
    }
    Ok(json!({"x": xs, "y": ys}))
}

/// A window written `xmin,xmax,ymin,ymax`, as JSON.
pub(crate) fn view_value(text: &str, key: &str) -> Result<Value, ConfigError> {
    match value(text, key)?.as_array().map(|a| a.as_slice()) {
        Some([a, b, c, d]) => Ok(json!({"x": [a, b], "y": [c, d]})),
        _ => Err(ConfigError::new(
            key,
            "must be four numbers xmin,xmax,ymin,ymax",
        )),
    }
}

/// "first", "second", … "21st".
pub(crate) fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        _ => {
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
    }
}
