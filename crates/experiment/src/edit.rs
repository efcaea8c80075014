//! Edits of an experiment's JSON by path, as the page's controls make them
//! (`optimizers[1].lr`, `function.params.b`); the result is validated as a
//! whole by [`crate::Experiment::from_value`], so a bad edit changes nothing.

use serde_json::{json, Value};

/// Sets a value at a path like `optimizers[1].betas` in a JSON document;
/// `null` removes the key.
pub fn set_path(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let mut parts: Vec<(String, Option<usize>)> = Vec::new();
    for seg in path.split('.') {
        match seg.split_once('[') {
            Some((key, idx)) => {
                let i = idx
                    .trim_end_matches(']')
                    .parse()
                    .map_err(|_| format!("{path}: bad index"))?;
                parts.push((key.to_string(), Some(i)));
            }
            None => parts.push((seg.to_string(), None)),
        }
    }
    let mut cur = doc;
    let last = parts.len() - 1;
    for (n, (key, idx)) in parts.into_iter().enumerate() {
        let obj = cur
            .as_object_mut()
            .ok_or_else(|| format!("{path}: not an object"))?;
        if n == last && idx.is_none() {
            if value.is_null() {
                obj.remove(&key);
            } else {
                obj.insert(key, value);
            }
            return Ok(());
        }
        if let (true, Some(i)) = (n == last, idx) {
            // An item of a list, replaced (or, set to null, removed).
            let list = obj
                .get_mut(&key)
                .and_then(Value::as_array_mut)
                .filter(|a| i < a.len())
                .ok_or_else(|| format!("{path}: no such item"))?;
            if value.is_null() {
                list.remove(i);
            } else {
                list[i] = value;
            }
            return Ok(());
        }
        let next = obj.entry(key).or_insert_with(|| json!({}));
        cur = match idx {
            Some(i) => next
                .as_array_mut()
                .and_then(|a| a.get_mut(i))
                .ok_or_else(|| format!("{path}: no such item"))?,
            None => next,
        };
    }
    Err(format!("{path}: cannot set"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_set_and_remove_keys() {
        let mut doc =
            json!({"optimizers": [{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.01}]});
        set_path(&mut doc, "optimizers[1].betas", json!([0.8, 0.9])).unwrap();
        assert_eq!(doc["optimizers"][1]["betas"], json!([0.8, 0.9]));
        set_path(&mut doc, "function.params.b", json!(5)).unwrap();
        assert_eq!(doc["function"]["params"]["b"], json!(5));
        set_path(&mut doc, "optimizers[0].lr", Value::Null).unwrap();
        assert!(doc["optimizers"][0].get("lr").is_none());
        assert_eq!(
            set_path(&mut doc, "optimizers[7].lr", json!(1)).unwrap_err(),
            "optimizers[7].lr: no such item"
        );
        assert_eq!(
            set_path(&mut doc, "optimizers[x].lr", json!(1)).unwrap_err(),
            "optimizers[x].lr: bad index"
        );
        // A whole item of a list: replaced, or removed with null.
        set_path(&mut doc, "optimizers[1]", json!({"name": "sgd", "lr": 1})).unwrap();
        assert_eq!(doc["optimizers"][1]["name"], "sgd");
        set_path(&mut doc, "optimizers[0]", Value::Null).unwrap();
        assert_eq!(doc["optimizers"].as_array().unwrap().len(), 1);
        assert_eq!(
            set_path(&mut doc, "optimizers[3]", json!({})).unwrap_err(),
            "optimizers[3]: no such item"
        );
    }
}
