//! The printed forms of a run: the JSON document `optiviz run` writes (and the
//! page's `getRuns()` returns) and a CSV table with one row per point.

use crate::trajectory::Trajectory;
use optiviz_objectives::mlp::plane::Plane;
use serde::Serialize;
use std::fmt::Write;

/// `{"runs": [...]}`, the top level of the JSON output, with an MLP's
/// `"plane"` (its origin, directions and the share of the motion it holds).
#[derive(Serialize)]
pub struct Runs<'a> {
    /// Every optimizer's run, in the experiment's order.
    pub runs: &'a [Trajectory],
    /// An MLP's plane, which the runs' points are coordinates on; `None`
    /// (left out) for a plotted surface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plane: Option<&'a Plane>,
}

/// The runs as JSON text.
pub fn to_json(runs: &[Trajectory]) -> String {
    to_json_on(runs, None)
}

/// The runs as JSON text, with the plane an MLP's points lie on.
pub fn to_json_on(runs: &[Trajectory], plane: Option<&Plane>) -> String {
    serde_json::to_string(&Runs { runs, plane }).expect("trajectories always serialize")
}

/// The runs as CSV: `run,name,step,x,y,loss,grad_norm,lr,epoch,status`, one
/// row per point. The last point of each run has no gradient norm, learning
/// rate or epoch (no step was taken from it); the epoch (epochs completed after
/// the step, data models only) is empty for formula functions; the status
/// column is filled on the last row only.
pub fn to_csv(runs: &[Trajectory]) -> String {
    let mut out = String::from("run,name,step,x,y,loss,grad_norm,lr,epoch,status\n");
    for (r, t) in runs.iter().enumerate() {
        let last = t.points.len().saturating_sub(1);
        for (k, (p, loss)) in t.points.iter().zip(&t.losses).enumerate() {
            let gn = t
                .grad_norms
                .get(k)
                .map(|x| x.to_string())
                .unwrap_or_default();
            let lr = t.lrs.get(k).map(|x| x.to_string()).unwrap_or_default();
            let epoch = t.epochs.get(k).map(|x| x.to_string()).unwrap_or_default();
            let status = if k == last {
                format!("\"{}\"", t.status)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{r},{},{k},{},{},{loss},{gn},{lr},{epoch},{status}",
                t.name, p[0], p[1]
            );
        }
    }
    out
}
