//! JSON objects read field by field, each problem a [`ConfigError`] at the
//! field's path.

use crate::error::ConfigError;
use crate::number::show_number;
use crate::spec::{check_range, Range};
use serde_json::{Map, Value};

/// A JSON object being read, with the path that errors report and the keys it allows.
pub struct Obj<'a> {
    /// The object's keys and values.
    pub map: &'a Map<String, Value>,
    /// Where it is in the document, e.g. `optimizers[1].schedule`; empty for the document.
    pub path: String,
}

/// `path.key`, or `key` at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// What a value is, as an error message names it: "a string", "a list", ….
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl<'a> Obj<'a> {
    /// `v` as an object, or an error at `path`.
    pub fn new(v: &'a Value, path: &str) -> Result<Obj<'a>, ConfigError> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_string(),
            }),
            other => Err(ConfigError::new(
                path,
                format!("must be an object {{...}}, got {}", kind_of(other)),
            )),
        }
    }

    /// The path of `key` in this object.
    pub fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Rejects keys outside `allowed`, naming them and listing what is allowed.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        self.only_or(allowed, &[])
    }

    /// As [`Obj::only`], also accepting the `unlisted` keys without naming them
    /// in the message.
    pub fn only_or(&self, allowed: &[&str], unlisted: &[&str]) -> Result<(), ConfigError> {
        match self.unknown(allowed, unlisted).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every key outside `allowed` (and `unlisted`, which are accepted but not
    /// named in the message), each an error that lists what is allowed.
    pub fn unknown(&self, allowed: &[&str], unlisted: &[&str]) -> Vec<ConfigError> {
        self.map
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()) && !unlisted.contains(&k.as_str()))
            .map(|k| {
                ConfigError::new(
                    self.field(k),
                    format!("unknown key; allowed here: {}", allowed.join(", ")),
                )
            })
            .collect()
    }

    /// The value of `key`, which must be there.
    pub fn required(&self, key: &str) -> Result<&'a Value, ConfigError> {
        self.map
            .get(key)
            .ok_or_else(|| ConfigError::new(self.field(key), "is required"))
    }

    /// A number in `range`, if given.
    pub fn num(&self, key: &str, range: Range) -> Result<Option<f64>, ConfigError> {
        self.map
            .get(key)
            .map(|v| number(v, &self.field(key), range))
            .transpose()
    }

    /// A whole number in `[lo, hi]`, if given.
    pub fn int(&self, key: &str, lo: u32, hi: u32) -> Result<Option<u32>, ConfigError> {
        self.map
            .get(key)
            .map(|v| integer(v, &self.field(key), lo, hi))
            .transpose()
    }

    /// An integer that may also be null (torch's None) or absent.
    pub fn int_or_null(&self, key: &str, lo: u32, hi: u32) -> Result<Option<u32>, ConfigError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => integer(v, &self.field(key), lo, hi).map(Some),
        }
    }

    /// `true` or `false`.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(ConfigError::new(
                self.field(key),
                format!("must be true or false, got {}", kind_of(other)),
            )),
        }
    }

    /// One of the words in `choices`.
    pub fn choice(&self, key: &str, choices: &[&str]) -> Result<Option<&'a str>, ConfigError> {
        let quoted = || {
            choices
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if choices.contains(&s.as_str()) => Ok(Some(s)),
            Some(other) => Err(ConfigError::new(
                self.field(key),
                format!(
                    "must be one of {}, got {}",
                    quoted(),
                    match other {
                        Value::String(s) => format!("\"{s}\""),
                        _ => kind_of(other).to_string(),
                    }
                ),
            )),
        }
    }

    /// A list of step numbers, each in `[lo, hi]`.
    pub fn list(&self, key: &str, lo: u32, hi: u32) -> Result<Option<Vec<u32>>, ConfigError> {
        let field = self.field(key);
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, x)| integer(x, &format!("{field}[{i}]"), lo, hi))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(ConfigError::new(
                field,
                format!("must be a list of step numbers, got {}", kind_of(other)),
            )),
        }
    }

    /// A string, which must be there.
    pub fn str(&self, key: &str) -> Result<&'a str, ConfigError> {
        match self.required(key)? {
            Value::String(s) => Ok(s),
            other => Err(ConfigError::new(
                self.field(key),
                format!("must be a string, got {}", kind_of(other)),
            )),
        }
    }
}

/// A number in `range`.
pub fn number(v: &Value, field: &str, range: Range) -> Result<f64, ConfigError> {
    match v.as_f64() {
        Some(x) => check_range(field, x, range),
        None => Err(ConfigError::new(
            field,
            format!("must be a number ({range}), got {}", kind_of(v)),
        )),
    }
}

/// A whole number in `[lo, hi]`.
pub fn integer(v: &Value, field: &str, lo: u32, hi: u32) -> Result<u32, ConfigError> {
    let bad = |shown: String| {
        ConfigError::new(
            field,
            format!("must be a whole number in [{lo}, {hi}], got {shown}"),
        )
    };
    let x = v.as_f64().ok_or_else(|| bad(kind_of(v).to_string()))?;
    if x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(bad(show_number(x)));
    }
    Ok(x as u32)
}

/// Two numbers, each in `range`.
pub fn pair(v: &Value, field: &str, range: Range) -> Result<[f64; 2], ConfigError> {
    let (first, second) = pair_of(v, field, range, false)?;
    Ok([first.expect("a first entry is required"), second])
}

/// Three numbers, each in `range`.
pub fn triple(v: &Value, field: &str, range: Range) -> Result<[f64; 3], ConfigError> {
    match v {
        Value::Array(items) if items.len() == 3 => {
            let at = |i: usize| number(&items[i], &format!("{field}[{i}]"), range);
            Ok([at(0)?, at(1)?, at(2)?])
        }
        other => Err(ConfigError::new(
            field,
            format!(
                "must be a list of three numbers, each {range}, got {}",
                match other {
                    Value::Array(items) => format!("a list of {}", items.len()),
                    _ => kind_of(other).to_string(),
                }
            ),
        )),
    }
}

/// Two numbers, each in `range`; with `null_first`, the first may be null
/// (torch's None).
pub fn pair_of(
    v: &Value,
    field: &str,
    range: Range,
    null_first: bool,
) -> Result<(Option<f64>, f64), ConfigError> {
    match v {
        Value::Array(items) if items.len() == 2 => {
            let first = match &items[0] {
                Value::Null if null_first => None,
                x => Some(number(x, &format!("{field}[0]"), range)?),
            };
            Ok((first, number(&items[1], &format!("{field}[1]"), range)?))
        }
        other => Err(ConfigError::new(
            field,
            format!(
                "must be a list of two numbers, each {range}{}, got {}",
                if null_first {
                    ", the first of which may be null (torch's None)"
                } else {
                    ""
                },
                match other {
                    Value::Array(items) => format!("a list of {}", items.len()),
                    _ => kind_of(other).to_string(),
                }
            ),
        )),
    }
}
