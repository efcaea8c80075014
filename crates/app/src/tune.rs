//! A fair comparison on the page: each optimizer at the rate of its own
//! learning-rate sweep that ends lowest without diverging (the rule of
//! `optiviz tune`), applied as one edit that one Undo takes back.

use crate::app::{refused, App};
use crate::host::Host;
use optiviz_base::error::ConfigErrors;
use optiviz_base::number::short;
use optiviz_engine::sweep::best_index;
use serde_json::{json, Value};

impl<H: Host> App<H> {
    /// Sets each optimizer's learning rate to its sweep's best ([`best_index`])
    /// as one edit. The sweep must cover every optimizer at the experiment
    /// as it is. An optimizer whose every rate diverged, or whose rate a
    /// teacher's link locks, keeps its rate. Returns, per optimizer, its
    /// label, the rate it had and has, and why it was kept (`"diverged"`,
    /// `"locked"`) or null.
    pub fn tune(&mut self) -> Result<Value, ConfigErrors> {
        let (lrs, lines) = &self.sweep;
        let count = self.exp.optimizers.len();
        if count == 0 || (0..count).any(|i| !lines.contains_key(&i)) {
            return Err(refused(
                "tune",
                "the sweep is not complete yet: wait for it, then tune",
            ));
        }
        let mut tuned = self.exp.clone();
        let mut report = Vec::with_capacity(count);
        for (i, o) in self.exp.optimizers.iter().enumerate() {
            let (final_loss, diverged) = &lines[&i];
            let best = best_index(final_loss, |j| diverged[j]);
            let mut kept = best.is_none().then_some("diverged");
            if let Some(j) = best {
                // Each optimizer's rate on its own against the lock.
                let mut one = self.exp.clone();
                one.optimizers[i].lr = lrs[j];
                if self.lock.check(&self.exp, &one).is_ok() {
                    tuned.optimizers[i].lr = lrs[j];
                } else {
                    kept = Some("locked");
                }
            }
            report.push(json!({
                "label": self.runs[i].label,
                "was": o.lr,
                "lr": tuned.optimizers[i].lr,
                "final_loss": best.map(|j| final_loss[j]),
                "kept": kept,
            }));
        }
        let before = self.exp.clone();
        self.replace(tuned)?;
        self.before_tune = Some(before);
        Ok(Value::Array(report))
    }

    /// The message that names each new rate (and why any was kept), from
    /// what [`App::tune`] returned and the optimizers' names on the page.
    pub fn tune_message(report: &Value, names: &[String]) -> String {
        let parts: Vec<String> = report
            .as_array()
            .into_iter()
            .flatten()
            .zip(names)
            .map(|(t, name)| {
                let lr = t["lr"].as_f64().unwrap_or(f64::NAN);
                match t["kept"].as_str() {
                    Some("diverged") => {
                        format!("{name} kept lr {} (every rate diverged)", short(lr))
                    }
                    Some(_) => format!("{name} kept lr {} (locked by the link)", short(lr)),
                    None => format!("{name} lr {}", short(lr)),
                }
            })
            .collect();
        format!("Tuned: {}.", parts.join("; "))
    }

    /// Takes the last tuning back, as one edit; refused when there is none
    /// or the experiment changed since in some other way than its rates.
    pub fn undo_tune(&mut self) -> Result<(), ConfigErrors> {
        let before = self
            .before_tune
            .take()
            .ok_or_else(|| refused("tune", "there is no tuning to undo"))?;
        let mut now = self.exp.clone();
        for (o, b) in now.optimizers.iter_mut().zip(&before.optimizers) {
            o.lr = b.lr;
        }
        if now.to_value() != before.to_value() {
            return Err(refused(
                "tune",
                "the experiment changed since the tuning; set the rates by hand",
            ));
        }
        self.replace(before)
    }
}
