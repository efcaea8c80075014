//! The experiment written back as JSON: the same keys it is read from, so
//! that reading what is written gives the same experiment.

use crate::experiment::{Experiment, FunctionConfig, OptimizerConfig};

use optiviz_optim::{Hyper, HyperValue, Inner, OptimizerDef};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

impl Serialize for FunctionConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(model) = &self.mlp {
            let f = model.function_json();
            for (k, v) in f.as_object().expect("an object") {
                m.serialize_entry(k, v)?;
            }
            return m.end();
        }
        m.serialize_entry("name", self.def.name)?;
        if let Some(t) = &self.typed {
            m.serialize_entry("expr", &t.text)?;
            if !t.values.is_empty() {
                let params: BTreeMap<&str, f64> = t.params().collect();
                m.serialize_entry("params", &params)?;
            }
            if let Some(view) = &t.window {
                m.serialize_entry("view", view)?;
            }
        }
        if let Some(data) = &self.data {
            match &data.generated {
                Some(g) => {
                    let mut gen = Map::new();
                    for (spec, v) in g.specs().iter().zip(g.values()) {
                        let v = if spec.name == "n" || spec.name == "seed" {
                            (v as u32).into()
                        } else {
                            v.into()
                        };
                        gen.insert(spec.name.into(), v);
                    }
                    if let Some(r) = g
                        .x_range()
                        .filter(|r| *r != optiviz_objectives::data::DEFAULT_X_RANGE)
                    {
                        gen.insert("x".into(), serde_json::json!(r));
                    }
                    m.serialize_entry("generate", &gen)?;
                }
                None => m.serialize_entry("data", &data.rows_json())?,
            }
            if data.standardize {
                m.serialize_entry("standardize", &true)?;
            }
        }
        if !self.def.params.is_empty() {
            let params: BTreeMap<&str, f64> = self
                .def
                .params
                .iter()
                .zip(&self.params)
                .map(|(spec, v)| (spec.name, *v))
                .collect();
            m.serialize_entry("params", &params)?;
        }
        m.end()
    }
}

impl Serialize for OptimizerConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.def.name)?;
        m.serialize_entry("lr", &self.lr)?;
        write_hyper(&mut m, self.def, &self.hyper)?;
        if let Some(clip) = &self.clip {
            m.serialize_entry("clip", clip)?;
        }
        if let Some(schedule) = &self.schedule {
            m.serialize_entry("schedule", schedule)?;
        }
        if let Some(color) = &self.color {
            m.serialize_entry("color", color)?;
        }
        if !self.enabled {
            m.serialize_entry("enabled", &false)?;
        }
        if self.maximize {
            m.serialize_entry("maximize", &true)?;
        }
        if let Some(b) = self.batch_size {
            m.serialize_entry("batch_size", &crate::experiment::batch_json(b))?;
        }
        if let Some(sigma) = self.grad_noise {
            m.serialize_entry("grad_noise", &sigma)?;
        }
        if let Some(k) = self.accumulate {
            m.serialize_entry("accumulate", &k)?;
        }
        m.end()
    }
}

/// Every hyperparameter of `def` in `hyper` as entries of `m`, then the
/// optimizer it holds under its key.
fn write_hyper<M: SerializeMap>(
    m: &mut M,
    def: &OptimizerDef,
    hyper: &Hyper,
) -> Result<(), M::Error> {
    for spec in def.hyper {
        match hyper.values[spec.name] {
            HyperValue::Number(x) => m.serialize_entry(spec.name, &x)?,
            HyperValue::Pair(p) => m.serialize_entry(spec.name, &p)?,
            HyperValue::AutoPair(a, b) => m.serialize_entry(spec.name, &(a, b))?,
            HyperValue::Flag(b) => m.serialize_entry(spec.name, &b)?,
            HyperValue::Count(n) => m.serialize_entry(spec.name, &n)?,
            HyperValue::Choice(c) => m.serialize_entry(spec.name, &c)?,
            HyperValue::Triple(t) => m.serialize_entry(spec.name, &t)?,
            HyperValue::MaybeNumber(x) => m.serialize_entry(spec.name, &x)?,
        }
    }
    if let (Some(w), Some(inner)) = (def.wraps, &hyper.inner) {
        m.serialize_entry(w.key, &InnerEntry(inner))?;
    }
    if let Some(rule) = &hyper.rule {
        if let Some(label) = &rule.label {
            m.serialize_entry("label", label)?;
        }
        let named =
            |list: &[(String, f64)]| -> BTreeMap<String, f64> { list.iter().cloned().collect() };
        m.serialize_entry("hyper", &named(&rule.hyper))?;
        m.serialize_entry("state", &named(&rule.state))?;
        m.serialize_entry("update", &rule.update)?;
    }
    Ok(())
}

/// An optimizer held by another, written as an entry of its own.
struct InnerEntry<'a>(&'a Inner);

impl Serialize for InnerEntry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.0.def.name)?;
        if let Some(lr) = self.0.lr {
            m.serialize_entry("lr", &lr)?;
        }
        write_hyper(&mut m, self.0.def, &self.0.hyper)?;
        m.end()
    }
}

impl Serialize for Experiment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("function", &self.function)?;
        if self.function.mlp.is_none() {
            m.serialize_entry("start", &self.start)?;
        }
        m.serialize_entry("steps", &self.steps)?;
        m.serialize_entry("optimizers", &self.optimizers)?;
        if let Some(view) = &self.view {
            m.serialize_entry("view", view)?;
        }
        for (key, value) in self.settings() {
            m.serialize_entry(&key, &value)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Experiment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Experiment::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Debug for Experiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Experiment({})", self.to_json())
    }
}

impl Experiment {
    /// The experiment as a JSON value, the same as [`Experiment::to_json`]'s
    /// text: what the page edits by path and what a lock compares.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("an experiment always serializes")
    }

    /// The experiment as JSON text that [`Experiment::from_json`] reads back
    /// to the same experiment.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an experiment always serializes")
    }
}
