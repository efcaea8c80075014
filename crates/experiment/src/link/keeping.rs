//! As much of a link as is valid: every key at fault named, the rest kept.

use crate::experiment::{Experiment, MAX_OPTIMIZERS};
use crate::link::decode::{decode, optimizer_number, pairs, FALLBACK_FUNCTION};
use crate::link::text::encode_component;
use optiviz_base::error::{ConfigError, Problems};
use optiviz_objectives::functions::custom::DEFAULT_EXPR;
use std::collections::{BTreeMap, BTreeSet};

/// Whether `key` is `head` or lies under it (`o1.sched.T_max` under `o1.sched`).
fn under(key: &str, head: &str) -> bool {
    key == head || key.strip_prefix(head).is_some_and(|r| r.starts_with('.'))
}

/// Decodes as much of a link as is valid: every key at fault is reported and
/// left out (an optimizer without a valid name or learning rate goes whole,
/// and those after it move up; an unknown function becomes
/// [`FALLBACK_FUNCTION`] with its parameters dropped; a formula that does not
/// parse becomes the default one), and the rest is kept. A key given twice
/// keeps its first value. `None` only when nothing could be kept.
pub fn decode_keeping(query: &str) -> (Option<Experiment>, Vec<ConfigError>) {
    let mut text_problems = Problems::default();
    // Each part as (decoded key, raw value), the first of each key.
    let mut parts: Vec<(String, String)> = pairs(query, &mut text_problems)
        .into_iter()
        .map(|(k, raw, _)| (k, raw))
        .collect();
    let mut errors: Vec<ConfigError> = text_problems
        .finish(())
        .err()
        .map(|e| e.into_vec())
        .unwrap_or_default();
    // Each optimizer's number as the link wrote it, by the number it is
    // read as now (they move when a gap closes or one before them goes):
    // every error names the link's own key.
    let mut origin = renumber(&mut parts, &mut errors);
    let join = |parts: &[(String, String)]| {
        parts
            .iter()
            .map(|(k, v)| format!("{}={v}", encode_component(k)))
            .collect::<Vec<_>>()
            .join("&")
    };
    for _ in 0..=parts.len() + 2 {
        let said = errors.len();
        let found = match decode(&join(&parts)) {
            Ok(exp) => return (Some(exp), once(errors)),
            Err(e) => e,
        };
        let round = parts.clone();
        // A limit's error may name a setting the link leaves at its default
        // (o1.history_size of an L-BFGS past the cost limit): nothing of the
        // link to leave out but its length.
        let unheld = found
            .iter()
            .any(|e| !e.field.is_empty() && !parts.iter().any(|(k, _)| under(k, &e.field)));
        // Optimizers that go whole, by number: those after them move up
        // once every error of this round has been dealt with.
        let mut gone: BTreeSet<usize> = BTreeSet::new();
        for e in found {
            let field = e.field.clone();
            let head = field.split('.').next().unwrap_or("").to_string();
            let before = parts.clone();
            let typed = parts.iter().any(|(k, v)| k == "fn" && v == "custom");
            if field == "fn.expr" && typed {
                // A formula that does not parse: the default one instead,
                // without the parameters that belonged to it.
                let default = encode_component(DEFAULT_EXPR);
                if before.iter().any(|(k, v)| k == "fn.expr" && *v == default) {
                    errors.push(e);
                    return (None, once(errors));
                }
                for (k, _) in parts
                    .iter()
                    .filter(|(k, _)| under(k, "fn") && k != "fn" && k != "fn.expr")
                {
                    errors.push(ConfigError::new(k.clone(), "left out with fn.expr"));
                }
                parts.retain(|(k, _)| !under(k, "fn") || k == "fn");
                let at = parts
                    .iter()
                    .position(|(k, _)| k == "fn")
                    .map_or(0, |i| i + 1);
                parts.insert(at, ("fn.expr".into(), default));
                errors.push(e);
                continue;
            }
            if field == "fn" {
                // The function itself: the fallback, without the parameters it does not have.
                parts.retain(|(k, _)| !under(k, "fn"));
                parts.insert(0, ("fn".into(), FALLBACK_FUNCTION.into()));
                errors.push(e);
                continue;
            }
            let Some(n) = optimizer_number(&head) else {
                parts.retain(|(k, _)| !under(k, &field));
                errors.push(e);
                continue;
            };
            // The optimizer SAM or Lookahead holds, missing or not one it can
            // hold: there is nothing to step without it.
            let named = parts
                .iter()
                .find(|(k, _)| *k == head)
                .and_then(|(_, name)| optiviz_optim::lookup(name));
            let held = field.strip_prefix(&format!("{head}.")).is_some_and(|rest| {
                let key = rest.strip_suffix(".name").unwrap_or(rest);
                named.and_then(|d| d.wraps).is_some_and(|w| w.key == key)
            });
            if field == head || field == format!("{head}.lr") || held {
                // Without a valid name, learning rate or held optimizer the
                // whole optimizer goes, each of its other keys named.
                if !gone.insert(n) {
                    errors.push(e);
                    continue;
                }
                let want = match (held, field != head) {
                    (true, _) => Some("left out, for want of an optimizer it can hold"),
                    (false, true) => Some("left out, for want of a valid lr"),
                    (false, false) => None,
                };
                errors.push(e);
                if let Some(why) = want {
                    errors.push(ConfigError::new(head.clone(), why));
                }
                for (k, _) in parts.iter().filter(|(k, _)| under(k, &head)) {
                    if k != &field && k != &head {
                        errors.push(ConfigError::new(k.clone(), format!("left out with {head}")));
                    }
                }
                parts.retain(|(k, _)| !under(k, &head));
                continue;
            }
            let schedule = format!("{head}.sched");
            if field == schedule || field == format!("{schedule}.schedulers") {
                // Without a valid name the schedule goes whole.
                parts.retain(|(k, _)| !under(k, &schedule));
            } else {
                parts.retain(|(k, _)| k != &field);
            }
            // A key that is missing rather than wrong (a schedule's required
            // key): what holds it goes, the schedule at most.
            let mut holder = field.clone();
            while parts == before {
                match holder.rsplit_once('.') {
                    Some((up, _)) if up != head => {
                        holder = up.to_string();
                        parts.retain(|(k, _)| !under(k, &holder));
                    }
                    _ => break,
                }
            }
            let climbed = holder != field && parts != before;
            let key = field.rsplit('.').next().unwrap_or("").to_string();
            errors.push(e);
            if climbed {
                errors.push(ConfigError::new(
                    holder,
                    format!("left out, for want of a valid {key}"),
                ));
            }
        }
        for e in errors[said..].iter_mut() {
            e.field = as_written(&e.field, &origin);
        }
        // Those after a dropped optimizer move up, one number for each gone
        // before them.
        for (k, _) in parts.iter_mut() {
            let h = k.split('.').next().unwrap_or("").to_string();
            if let Some(m) = optimizer_number(&h) {
                let shift = gone.iter().filter(|&&g| g < m).count();
                if shift > 0 {
                    *k = format!("o{}{}", m - shift, &k[h.len()..]);
                }
            }
        }
        origin = origin
            .iter()
            .filter(|(m, _)| !gone.contains(m))
            .map(|(&m, &o)| (m - gone.iter().filter(|&&g| g < m).count(), o))
            .collect();
        if parts == round {
            if unheld && parts.iter().any(|(k, _)| k == "steps") {
                parts.retain(|(k, _)| k != "steps");
                errors.push(ConfigError::new(
                    "steps",
                    "left out: the default number of steps, so that the rest stays within the limits",
                ));
                continue;
            }
            return (None, once(errors));
        }
    }
    (None, once(errors))
}

/// Optimizers numbered outside o1 to o16 are named and left out; a gap in
/// the numbers (o1, o3) is closed, each later optimizer read one number down
/// and named with the number it is read as: their settings are kept.
fn renumber(
    parts: &mut Vec<(String, String)>,
    errors: &mut Vec<ConfigError>,
) -> BTreeMap<usize, usize> {
    let head = |k: &str| k.split('.').next().unwrap_or("").to_string();
    let numbers: BTreeSet<usize> = parts
        .iter()
        .filter_map(|(k, _)| optimizer_number(&head(k)))
        .collect();
    let allowed = 1..=MAX_OPTIMIZERS;
    for &n in numbers.iter().filter(|n| !allowed.contains(n)) {
        let name = format!("o{n}");
        errors.push(ConfigError::new(
            name.clone(),
            format!("optimizers are numbered o1 to o{MAX_OPTIMIZERS}"),
        ));
        for (k, _) in parts.iter().filter(|(k, _)| under(k, &name) && *k != name) {
            errors.push(ConfigError::new(k.clone(), format!("left out with {name}")));
        }
        parts.retain(|(k, _)| !under(k, &name));
    }
    let read_as: Vec<(usize, usize)> = numbers
        .iter()
        .filter(|n| allowed.contains(n))
        .enumerate()
        .map(|(i, &n)| (n, i + 1))
        .filter(|(n, to)| n != to)
        .collect();
    for &(n, to) in &read_as {
        errors.push(ConfigError::new(
            format!("o{n}"),
            format!("optimizers are numbered o1, o2, … without gaps: read as o{to}"),
        ));
    }
    for (k, _) in parts.iter_mut() {
        let h = head(k);
        let Some(&(_, to)) =
            optimizer_number(&h).and_then(|n| read_as.iter().find(|(m, _)| *m == n))
        else {
            continue;
        };
        *k = format!("o{to}{}", &k[h.len()..]);
    }
    numbers
        .iter()
        .filter(|n| allowed.contains(n))
        .enumerate()
        .map(|(i, &n)| (i + 1, n))
        .collect()
}

/// `field` with its optimizer's number as the link wrote it.
fn as_written(field: &str, origin: &BTreeMap<usize, usize>) -> String {
    let h = field.split('.').next().unwrap_or("");
    match optimizer_number(h).and_then(|n| origin.get(&n)) {
        Some(&o) => format!("o{o}{}", &field[h.len()..]),
        None => field.to_string(),
    }
}

/// Each problem once: a problem that no round could mend is found again in
/// the next.
fn once(errors: Vec<ConfigError>) -> Vec<ConfigError> {
    let mut seen = Vec::new();
    for e in errors {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    seen
}
