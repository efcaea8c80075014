//! The long work the page hands its Web Workers, a slice at a time: rows of
//! a basin map, a few rates of a learning-rate sweep, rows of a network's
//! landscape. Each worker holds its own engine; the experiment it works on
//! is parsed once and kept for as long as it stays the same.

use optiviz_base::error::{ConfigError, ConfigErrors};
use optiviz_engine::runs::Runs;
use optiviz_engine::sweep::{self, BasinRun, SweepRun};
use optiviz_experiment::experiment::Experiment;
use optiviz_objectives::mlp::plane::Plane;
use optiviz_objectives::mlp::surface::NetSurface;
use optiviz_objectives::objective::{Objective, View};
use optiviz_objectives::surface::Surface;
use optiviz_render::surface::sample_rows;
use std::cell::RefCell;

/// The experiment a worker is mapping, parsed once: its JSON, the
/// experiment, its surface and minima.
type Mapped = (String, Experiment, Surface, Vec<[f64; 2]>);

thread_local! {
    static MAPPED: RefCell<Option<Mapped>> = const { RefCell::new(None) };
}

/// `f` on the experiment `json`, parsed once for as long as it stays the same.
fn with_mapped<T>(
    json: &str,
    f: impl FnOnce(&Experiment, &Surface, &[[f64; 2]]) -> T,
) -> Result<T, ConfigErrors> {
    MAPPED.with(|m| {
        let mut m = m.borrow_mut();
        if m.as_ref().map(|c| c.0.as_str()) != Some(json) {
            let exp = Experiment::from_json(json)?;
            let surf = exp.surface();
            let minima = surf.minima().iter().map(|m| m.point).collect();
            *m = Some((json.to_string(), exp, surf, minima));
        }
        let (_, exp, surf, minima) = m.as_ref().expect("just set");
        Ok(f(exp, surf, minima))
    })
}

/// Rows `rows` of a basin map of the experiment `json` (its text, as the
/// page's `experimentJson` gives it): `grid` × `grid` starts over `view`,
/// each cell as `optiviz basins` computes it.
pub fn basin_rows(
    json: &str,
    grid: usize,
    view: View,
    rows: std::ops::Range<usize>,
) -> Result<Vec<BasinRun>, ConfigErrors> {
    with_mapped(json, |exp, surf, minima| {
        let grid = grid.clamp(1, sweep::MAX_GRID);
        let rows = rows.start.min(grid)..rows.end.min(grid);
        sweep::basin_rows(exp, surf, minima, grid, view, rows)
    })
}

/// Optimizer `optimizer` of the experiment `json` at each of `lrs`, only
/// its learning rate changed, as `optiviz sweep` gives them; `None` for an
/// optimizer the experiment does not have.
pub fn sweep_runs(
    json: &str,
    optimizer: usize,
    lrs: &[f64],
) -> Result<Option<SweepRun>, ConfigErrors> {
    with_mapped(json, |exp, surf, _| {
        (optimizer < exp.optimizers.len()).then(|| sweep::sweep_one(exp, surf, optimizer, lrs))
    })
}

/// A network's landscape over `view`, rows `rows` of a `width` × `height`
/// grid, as the surface layer samples it. `plane` is the plane's origin and
/// two directions one after the other; the experiment gives the network,
/// its rows and its L2 term.
pub fn landscape_rows(
    json: &str,
    plane: &[f64],
    view: View,
    (width, height): (usize, usize),
    rows: std::ops::Range<usize>,
) -> Result<Vec<f64>, ConfigErrors> {
    let exp = Experiment::from_json(json)?;
    let model = exp.function.mlp.clone().ok_or_else(|| {
        ConfigError::new(
            "function",
            "a landscape's rows are a network's: not a network's experiment",
        )
    })?;
    let n = model.net.count;
    if plane.len() != 3 * n || rows.start > rows.end || rows.end > height {
        return Err(
            ConfigError::new("plane", "the plane, window or rows do not fit the network").into(),
        );
    }
    let plane = Plane {
        origin: plane[..n].to_vec(),
        directions: [plane[n..2 * n].to_vec(), plane[2 * n..].to_vec()],
        explained: f64::NAN,
    };
    let surface = NetSurface::new(model, plane, exp.l2, &[]);
    let mut out = Vec::with_capacity(width * rows.len());
    sample_rows(&surface, view, width, height, rows, &mut out);
    Ok(out)
}
