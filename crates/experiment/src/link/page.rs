//! The page's own keys of a link (`play`, `speed`, `view3d`, `lock`, …),
//! each read by its kind in the table of keys: what is valid is kept, and
//! every key at fault is named with what it takes.

use crate::angle::Angle;
use crate::experiment::Experiment;
use crate::link::decode::pairs;
use crate::link::keys::{classify, experiment_keys, page_keys, PageKind, Role, MAX_CHOICES};
use crate::link::text::is_foreign_key;
use crate::lock::Lock;
use optiviz_base::error::{ConfigError, Problems};
use serde::Serialize;

/// One page key's value, as its kind reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PageValue {
    /// A switch: `1` is true.
    Switch(bool),
    /// A whole number.
    Whole(u32),
    /// A word or a text.
    Text(String),
    /// Words or texts.
    Texts(Vec<String>),
    /// An angle: yaw, pitch and zoom.
    Angle([f64; 3]),
}

/// The page's keys a link holds, each valid one by its name; written as a
/// JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page(Vec<(&'static str, PageValue)>);

impl Serialize for Page {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Page {
    /// The value of `key`, if the link gave a valid one.
    pub fn get(&self, key: &str) -> Option<&PageValue> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`.
    pub fn set(&mut self, key: &'static str, value: PageValue) {
        self.drop(key);
        self.0.push((key, value));
    }

    /// A whole number's value.
    pub fn whole(&self, key: &str) -> Option<u32> {
        match self.get(key) {
            Some(PageValue::Whole(n)) => Some(*n),
            _ => None,
        }
    }

    /// A text's value.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(PageValue::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Leaves `key` out (a check that needs more than the link found it at fault).
    pub fn drop(&mut self, key: &str) {
        self.0.retain(|(k, _)| *k != key);
    }
}

/// Reads one page key by its kind, or names what is wrong with it.
fn read(
    key: &'static str,
    kind: PageKind,
    takes: &str,
    text: &str,
    p: &mut Problems,
) -> Option<PageValue> {
    let bad = |p: &mut Problems| {
        p.push(ConfigError::new(
            key,
            format!("must be {takes}, got {text}"),
        ));
        None
    };
    match kind {
        PageKind::Switch => match text {
            "1" => Some(PageValue::Switch(true)),
            "0" => Some(PageValue::Switch(false)),
            _ => bad(p),
        },
        PageKind::Whole { min, max } => match text.trim().parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Some(PageValue::Whole(n)),
            _ => bad(p),
        },
        PageKind::Word(words) => match words.contains(&text) {
            true => Some(PageValue::Text(text.to_string())),
            false => {
                p.push(ConfigError::new(
                    key,
                    format!("must be one of {}, got {text}", words.join(", ")),
                ));
                None
            }
        },
        PageKind::Words(words) => {
            let names: Vec<&str> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let unknown: Vec<String> = names
                .iter()
                .filter(|n| !words.contains(n))
                .map(|n| format!("'{n}'"))
                .collect();
            if !unknown.is_empty() {
                p.push(ConfigError::new(
                    key,
                    format!(
                        "{} {} of the page; allowed: {}",
                        unknown.join(", "),
                        if unknown.len() > 1 {
                            "are not parts"
                        } else {
                            "is not a part"
                        },
                        words.join(", ")
                    ),
                ));
            }
            let mut kept: Vec<String> = Vec::new();
            for n in names.into_iter().filter(|n| words.contains(n)) {
                if !kept.iter().any(|k| k == n) {
                    kept.push(n.to_string());
                }
            }
            (!kept.is_empty()).then_some(PageValue::Texts(kept))
        }
        PageKind::Angle => p
            .take_all(Angle::parse(text, key))
            .map(|a| PageValue::Angle([a.yaw, a.pitch, a.zoom])),
        PageKind::Lock | PageKind::Lesson | PageKind::Text => match text.trim() {
            "" => bad(p),
            t => Some(PageValue::Text(t.to_string())),
        },
        PageKind::Texts => {
            let list: Vec<String> = text
                .split('|')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            Some(PageValue::Texts(list))
        }
    }
}

/// The keys of a link that are neither the experiment's nor the page's
/// (nor a tracker's, as `utm_source`), each named with what is allowed: for
/// a link that holds no experiment key, whose page is the default one.
pub fn unknown_keys(query: &str) -> Vec<ConfigError> {
    let mut ignored = Problems::default();
    pairs(query, &mut ignored)
        .into_iter()
        .filter(|(k, _, _)| !is_foreign_key(k) && classify(k).is_none())
        .map(|(k, _, _)| {
            ConfigError::new(
                k,
                format!("unknown URL parameter; allowed: {}", experiment_keys()),
            )
        })
        .collect()
}

/// The page's keys of a link, each read by its kind; the checks that need
/// the experiment (`predict` names one of its optimizers, `lock` its parts)
/// are made against `exp` when there is one. What is valid is kept; every
/// key at fault is named with what it takes. A lesson's name and part and
/// whether a chart is offered are for the page's model to check.
pub fn decode_page(query: &str, exp: Option<&Experiment>) -> (Page, Vec<ConfigError>) {
    let mut p = Problems::default();
    let mut page = Page::default();
    let mut text_problems = Problems::default();
    for (key, _, text) in pairs(query, &mut text_problems) {
        let Some(spec) = classify(&key) else {
            continue;
        };
        let Role::Page(kind) = spec.role else {
            continue;
        };
        let name = page_keys().find(|k| k.key == key).expect("a page key").key;
        if let Some(v) = read(name, kind, spec.takes, &text, &mut p) {
            page.set(name, v);
        }
    }
    // Repeated page keys are named with the experiment's; a broken escape too.
    check(&mut page, exp, &mut p);
    (
        page,
        p.finish(()).err().map(|e| e.into_vec()).unwrap_or_default(),
    )
}

/// What the page keys must satisfy together, and with the experiment.
fn check(page: &mut Page, exp: Option<&Experiment>, p: &mut Problems) {
    if let Some(text) = page.text("lock").map(str::to_string) {
        let (mut lock, errors) = Lock::parse(&text);
        p.extend(errors);
        if let Some(exp) = exp {
            p.extend(lock.keep_optimizers(exp.optimizers.len()));
        }
        match lock.is_empty() && !lock.all() {
            true => page.drop("lock"),
            false => {
                page.set("lock", PageValue::Text(lock.text()));
            }
        }
    }
    if let (Some(k), Some(exp)) = (page.whole("predict"), exp) {
        let n = exp.optimizers.len();
        if k as usize > n {
            p.push(ConfigError::new(
                "predict",
                format!("must be the number of an optimizer, 1 to {n}, got {k}"),
            ));
            page.drop("predict");
        }
    }
    // A question, its choices and its answer are one thing: kept together.
    let asks = ["question", "choices", "answer"];
    if asks.iter().any(|k| page.get(k).is_some()) {
        let count = match page.get("choices") {
            Some(PageValue::Texts(list)) => list.len(),
            _ => 0,
        };
        let problem = if page.get("predict").is_some() {
            Some((
                "question",
                "a link asks one thing at a time, and this one asks predict= first".to_string(),
            ))
        } else if page.text("question").is_none() {
            Some((
                "question",
                "choices and an answer need the question, as question=Which one settles?"
                    .to_string(),
            ))
        } else if !(2..=MAX_CHOICES).contains(&count) {
            Some(("choices", format!("must be 2 to {MAX_CHOICES} answers separated by |, as choices=A|B|C; got {count}")))
        } else {
            match page.whole("answer") {
                Some(k) if (1..=count as u32).contains(&k) => None,
                k => Some((
                    "answer",
                    format!(
                        "must be the number of the right choice, 1 to {count}, got {}",
                        k.map_or("none".to_string(), |k| k.to_string())
                    ),
                )),
            }
        };
        if let Some((key, message)) = problem {
            p.push(ConfigError::new(key, message));
            for k in asks {
                page.drop(k);
            }
        }
    }
    // A part belongs to a lesson named by the link.
    let named = page.text("lesson").is_some_and(|l| l != "1" && l != "0");
    if page.get("part").is_some() && !named {
        p.push(ConfigError::new("part", "goes with lesson=NAME"));
        page.drop("part");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(q: &str) -> Vec<String> {
        decode_page(q, None)
            .1
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn every_bad_page_key_is_named_together_and_the_rest_kept() {
        let (page, errors) = decode_page(
            "fn=nosuchfn&o1=adam&play=7&speed=999&lock=zzz&hide=foo,chart&chart=zzz&view3d=999,999,999&embed=1",
            None,
        );
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["play", "speed", "hide", "chart", "view3d", "view3d", "lock"],
            "{errors:?}"
        );
        assert_eq!(
            errors[1].to_string(),
            "speed: must be a whole number of steps per second in [1, 200], got 999"
        );
        assert!(errors[4].message.starts_with("pitch"), "{errors:?}");
        assert!(errors[5].message.starts_with("zoom"), "{errors:?}");
        assert_eq!(page.get("embed"), Some(&PageValue::Switch(true)));
        assert_eq!(
            page.get("hide"),
            Some(&PageValue::Texts(vec!["chart".into()]))
        );
        assert!(page.get("play").is_none() && page.get("lock").is_none());
    }

    #[test]
    fn a_question_is_kept_whole_or_not_at_all() {
        assert!(errors("question=Which%3F&choices=a|b|c&answer=2").is_empty());
        assert_eq!(
            errors("question=Which%3F&choices=a&answer=1"),
            ["choices: must be 2 to 6 answers separated by |, as choices=A|B|C; got 1"]
        );
        assert_eq!(
            errors("predict=abc"),
            ["predict: must be the number of an optimizer, got abc"]
        );
        let (page, _) = decode_page("question=Q&choices=a|b&answer=3", None);
        assert!(page.get("question").is_none() && page.get("choices").is_none());
        assert_eq!(errors("part=2"), ["part: goes with lesson=NAME"]);
    }
}
