//! The [`Experiment`]: one function, one start point, a number of steps and a
//! list of optimizers. It is what the CLI reads, what the page's URL and
//! JavaScript API carry and what the tests build; it is parsed and validated
//! here, once, with errors that name the field at fault.

use crate::error::ConfigError;
use crate::functions::{self, FunctionDef, Objective, View};
use crate::optim::clip::Clip;
use crate::optim::schedule::Schedule;
use crate::optim::{self, Hyper, HyperKind, HyperValue, OptimizerDef};
use crate::spec::{check_range, show_number, Range};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The most steps one experiment may ask for.
pub const MAX_STEPS: u32 = 100_000;
/// The most optimizers one experiment may compare.
pub const MAX_OPTIMIZERS: usize = 16;
/// How far from the origin a start point may be.
pub const START_RANGE: Range = Range::closed(-1e6, 1e6);

/// A complete, validated experiment.
///
/// ```
/// use optiviz::Experiment;
/// let exp = Experiment::from_json(r#"{
///     "function": {"name": "rosenbrock", "params": {"b": 100}},
///     "start": [-1.5, 2.0],
///     "steps": 300,
///     "optimizers": [{"name": "adam", "lr": 0.02}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}]
/// }"#).unwrap();
/// let runs = exp.run();
/// assert_eq!(runs.len(), 2);
/// assert_eq!(runs[0].points.len(), 301);
/// ```
#[derive(Clone)]
pub struct Experiment {
    pub function: FunctionConfig,
    pub start: [f64; 2],
    pub steps: u32,
    pub optimizers: Vec<OptimizerConfig>,
    /// The window a plot shows; `None` means the function's default view.
    /// It does not change the runs.
    pub view: Option<View>,
}

/// A function and its parameter values (every parameter present).
#[derive(Clone)]
pub struct FunctionConfig {
    pub def: &'static FunctionDef,
    /// Parameter values in the order of `def.params`.
    pub params: Vec<f64>,
}

/// One optimizer of an experiment with all of its settings.
#[derive(Clone)]
pub struct OptimizerConfig {
    pub def: &'static OptimizerDef,
    pub lr: f64,
    /// Every hyperparameter of `def`, defaults filled in.
    pub hyper: Hyper,
    pub clip: Option<Clip>,
    pub schedule: Option<Schedule>,
    /// The colour its path is drawn in, `#rrggbb`; `None` picks one by position.
    pub color: Option<String>,
    /// Whether a plot shows it. Every optimizer runs either way.
    pub enabled: bool,
    /// torch's `maximize`: climb the surface (the gradient's sign is flipped
    /// before the update, as every torch optimizer does first).
    pub maximize: bool,
}

impl FunctionConfig {
    /// The function itself.
    pub fn objective(&self) -> Box<dyn Objective> {
        (self.def.build)(&self.params)
    }
}

impl OptimizerConfig {
    /// A short label that tells apart two entries of the same optimizer,
    /// e.g. `"sgd lr=0.1 momentum=0.9"`: the name, the learning rate and every
    /// hyperparameter that differs from torch's default.
    pub fn label(&self) -> String {
        let mut s = format!("{} lr={}", self.def.name, self.lr);
        for spec in self.def.hyper {
            let v = self.hyper.0[spec.name];
            if v != spec.default {
                match v {
                    HyperValue::Number(x) => s += &format!(" {}={x}", spec.name),
                    HyperValue::Pair([a, b]) => s += &format!(" {}=({a}, {b})", spec.name),
                    HyperValue::Flag(true) => s += &format!(" {}", spec.name),
                    HyperValue::Flag(false) => s += &format!(" {}=false", spec.name),
                }
            }
        }
        if self.maximize {
            s += " maximize";
        }
        match self.clip {
            Some(Clip::MaxNorm(m)) => s += &format!(" clip max_norm={m}"),
            Some(Clip::Value(v)) => s += &format!(" clip value={v}"),
            None => {}
        }
        if let Some(sch) = &self.schedule {
            s += &format!(" {} schedule", sch.name());
        }
        s
    }
}

// ------------------------------------------------------------------ parsing

/// A JSON object being read, with the path that errors report and the keys it allows.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn kind_of(v: &Value) -> &'static str {
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
    fn new(v: &'a Value, path: &str) -> Result<Obj<'a>, ConfigError> {
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

    fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Rejects keys outside `allowed`, naming them and listing what is allowed.
    fn only(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        self.only_or(allowed, &[])
    }

    /// As [`Obj::only`], also accepting the `unlisted` keys without naming them
    /// in the message.
    fn only_or(&self, allowed: &[&str], unlisted: &[&str]) -> Result<(), ConfigError> {
        for key in self.map.keys() {
            if !allowed.contains(&key.as_str()) && !unlisted.contains(&key.as_str()) {
                return Err(ConfigError::new(
                    self.field(key),
                    format!("unknown key; allowed here: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn required(&self, key: &str) -> Result<&'a Value, ConfigError> {
        self.map
            .get(key)
            .ok_or_else(|| ConfigError::new(self.field(key), "is required"))
    }

    fn num(&self, key: &str, range: Range) -> Result<Option<f64>, ConfigError> {
        self.map
            .get(key)
            .map(|v| number(v, &self.field(key), range))
            .transpose()
    }

    fn int(&self, key: &str, lo: u32, hi: u32) -> Result<Option<u32>, ConfigError> {
        self.map
            .get(key)
            .map(|v| integer(v, &self.field(key), lo, hi))
            .transpose()
    }

    fn str(&self, key: &str) -> Result<&'a str, ConfigError> {
        match self.required(key)? {
            Value::String(s) => Ok(s),
            other => Err(ConfigError::new(
                self.field(key),
                format!("must be a string, got {}", kind_of(other)),
            )),
        }
    }
}

fn number(v: &Value, field: &str, range: Range) -> Result<f64, ConfigError> {
    match v.as_f64() {
        Some(x) => check_range(field, x, range),
        None => Err(ConfigError::new(
            field,
            format!("must be a number ({range}), got {}", kind_of(v)),
        )),
    }
}

fn integer(v: &Value, field: &str, lo: u32, hi: u32) -> Result<u32, ConfigError> {
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

fn pair(v: &Value, field: &str, range: Range) -> Result<[f64; 2], ConfigError> {
    match v {
        Value::Array(items) if items.len() == 2 => Ok([
            number(&items[0], &format!("{field}[0]"), range)?,
            number(&items[1], &format!("{field}[1]"), range)?,
        ]),
        other => Err(ConfigError::new(
            field,
            format!(
                "must be a list of two numbers, each {range}, got {}",
                match other {
                    Value::Array(items) => format!("a list of {}", items.len()),
                    _ => kind_of(other).to_string(),
                }
            ),
        )),
    }
}

fn parse_function(v: &Value, path: &str) -> Result<FunctionConfig, ConfigError> {
    let o = Obj::new(v, path)?;
    o.only(&["name", "params"])?;
    let name = o.str("name")?;
    let def = functions::lookup(name).ok_or_else(|| {
        ConfigError::new(
            o.field("name"),
            format!(
                "unknown function \"{name}\"; choose one of {}",
                functions::names()
            ),
        )
    })?;
    let mut params = def.defaults();
    if let Some(pv) = o.map.get("params") {
        let p = Obj::new(pv, &o.field("params"))?;
        let allowed: Vec<&str> = def.params.iter().map(|s| s.name).collect();
        if allowed.is_empty() && !p.map.is_empty() {
            let key = p.map.keys().next().map(String::as_str).unwrap_or_default();
            return Err(ConfigError::new(
                p.field(key),
                format!("{name} has no parameters"),
            ));
        }
        p.only(&allowed)?;
        for (slot, spec) in params.iter_mut().zip(def.params) {
            if let Some(x) = p.num(spec.name, spec.range)? {
                *slot = x;
            }
        }
    }
    Ok(FunctionConfig { def, params })
}

fn parse_clip(v: &Value, path: &str) -> Result<Option<Clip>, ConfigError> {
    if v.is_null() {
        return Ok(None);
    }
    let o = Obj::new(v, path)?;
    o.only(&["max_norm", "clip_value"])?;
    let positive = Range::above(0.0);
    match (o.num("max_norm", positive)?, o.num("clip_value", positive)?) {
        (Some(m), None) => Ok(Some(Clip::MaxNorm(m))),
        (None, Some(c)) => Ok(Some(Clip::Value(c))),
        _ => Err(ConfigError::new(
            path,
            "must hold exactly one of max_norm (clip by norm) or clip_value (clip each coordinate)",
        )),
    }
}

/// torch keyword arguments that choose how a step is computed (vectorised,
/// fused, graph-capturable, differentiable) but not what it computes; accepted
/// as true/false/null and otherwise ignored.
const IMPLEMENTATION_KEYS: [&str; 4] = ["foreach", "fused", "capturable", "differentiable"];

const SCHEDULES: &str = "step, exponential, cosine, linear, inverse_time";

fn parse_schedule(v: &Value, path: &str) -> Result<Option<Schedule>, ConfigError> {
    if v.is_null() {
        return Ok(None);
    }
    let o = Obj::new(v, path)?;
    let name = o.str("name")?;
    let positive = Range::above(0.0);
    let req =
        |x: Option<f64>, key: &str| x.ok_or_else(|| ConfigError::new(o.field(key), "is required"));
    let req_int =
        |x: Option<u32>, key: &str| x.ok_or_else(|| ConfigError::new(o.field(key), "is required"));
    let s = match name {
        "step" => {
            o.only(&["name", "step_size", "gamma"])?;
            Schedule::Step {
                step_size: req_int(o.int("step_size", 1, MAX_STEPS)?, "step_size")?,
                gamma: o.num("gamma", positive)?.unwrap_or(0.1),
            }
        }
        "exponential" => {
            o.only(&["name", "gamma"])?;
            Schedule::Exponential {
                gamma: req(o.num("gamma", positive)?, "gamma")?,
            }
        }
        "cosine" => {
            o.only(&["name", "T_max", "eta_min"])?;
            Schedule::Cosine {
                t_max: req_int(o.int("T_max", 1, MAX_STEPS)?, "T_max")?,
                eta_min: o.num("eta_min", Range::at_least(0.0))?.unwrap_or(0.0),
            }
        }
        "linear" => {
            o.only(&["name", "start_factor", "end_factor", "total_iters"])?;
            Schedule::Linear {
                start_factor: o
                    .num("start_factor", Range::open_closed(0.0, 1.0))?
                    .unwrap_or(1.0 / 3.0),
                end_factor: o.num("end_factor", Range::closed(0.0, 1.0))?.unwrap_or(1.0),
                total_iters: o.int("total_iters", 1, MAX_STEPS)?.unwrap_or(5),
            }
        }
        "inverse_time" => {
            o.only(&["name", "k"])?;
            Schedule::InverseTime {
                k: req(o.num("k", Range::at_least(0.0))?, "k")?,
            }
        }
        other => {
            return Err(ConfigError::new(
                o.field("name"),
                format!("unknown schedule \"{other}\"; choose one of {SCHEDULES}"),
            ))
        }
    };
    Ok(Some(s))
}

fn parse_optimizer(v: &Value, path: &str) -> Result<OptimizerConfig, ConfigError> {
    let o = Obj::new(v, path)?;
    let name = o.str("name")?;
    let def = optim::lookup(name).ok_or_else(|| {
        ConfigError::new(
            o.field("name"),
            format!(
                "unknown optimizer \"{name}\"; choose one of {}",
                optim::names()
            ),
        )
    })?;
    let mut allowed = vec![
        "name", "lr", "clip", "schedule", "color", "enabled", "maximize",
    ];
    allowed.extend(def.hyper.iter().map(|h| h.name));
    o.only_or(&allowed, &IMPLEMENTATION_KEYS)?;
    let lr = number(o.required("lr")?, &o.field("lr"), optim::LR_RANGE)?;
    let mut hyper = def.defaults();
    for spec in def.hyper {
        let Some(raw) = o.map.get(spec.name) else {
            continue;
        };
        let field = o.field(spec.name);
        let value = match spec.kind {
            HyperKind::Number(range) => HyperValue::Number(number(raw, &field, range)?),
            HyperKind::Pair(range) => HyperValue::Pair(pair(raw, &field, range)?),
            HyperKind::Flag => match raw {
                Value::Bool(b) => HyperValue::Flag(*b),
                other => {
                    return Err(ConfigError::new(
                        field,
                        format!("must be true or false, got {}", kind_of(other)),
                    ))
                }
            },
        };
        hyper.0.insert(spec.name, value);
    }
    (def.check)(&hyper, path)?;
    let clip = match o.map.get("clip") {
        Some(c) => parse_clip(c, &o.field("clip"))?,
        None => None,
    };
    let schedule = match o.map.get("schedule") {
        Some(s) => parse_schedule(s, &o.field("schedule"))?,
        None => None,
    };
    let color = match o.map.get("color") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) if is_hex_color(c) => Some(c.to_ascii_lowercase()),
        Some(other) => {
            return Err(ConfigError::new(
                o.field("color"),
                format!(
                    "must be a colour written #rrggbb, got {}",
                    match other {
                        Value::String(s) => format!("\"{s}\""),
                        _ => kind_of(other).to_string(),
                    }
                ),
            ))
        }
    };
    let flag = |key: &str, default: bool| match o.map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(ConfigError::new(
            o.field(key),
            format!("must be true or false, got {}", kind_of(other)),
        )),
    };
    let enabled = flag("enabled", true)?;
    let maximize = flag("maximize", false)?;
    for key in IMPLEMENTATION_KEYS {
        flag(key, false)?;
    }
    Ok(OptimizerConfig {
        def,
        lr,
        hyper,
        clip,
        schedule,
        color,
        enabled,
        maximize,
    })
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// The smallest width or height a view may have.
pub const MIN_VIEW_SIZE: f64 = 1e-6;

fn parse_view(v: &Value) -> Result<Option<View>, ConfigError> {
    if v.is_null() {
        return Ok(None);
    }
    let o = Obj::new(v, "view")?;
    o.only(&["x", "y"])?;
    let mut axes = [[0.0; 2]; 2];
    for (axis, key) in axes.iter_mut().zip(["x", "y"]) {
        let field = o.field(key);
        *axis = pair(o.required(key)?, &field, START_RANGE)?;
        if axis[1] - axis[0] < MIN_VIEW_SIZE {
            return Err(ConfigError::new(
                field,
                format!(
                    "must be [min, max] with max − min >= {MIN_VIEW_SIZE}, got [{}, {}]",
                    axis[0], axis[1]
                ),
            ));
        }
    }
    Ok(Some(View {
        x: axes[0],
        y: axes[1],
    }))
}

impl Experiment {
    /// Parses and validates an experiment from JSON text.
    pub fn from_json(text: &str) -> Result<Experiment, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ConfigError::new(
                "",
                format!(
                    "not valid JSON (line {}, column {}): {}",
                    e.line(),
                    e.column(),
                    json_reason(&e)
                ),
            )
        })?;
        Experiment::from_value(&value)
    }

    /// Parses and validates an experiment from a JSON value.
    pub fn from_value(v: &Value) -> Result<Experiment, ConfigError> {
        let o = Obj::new(v, "")?;
        o.only(&["function", "start", "steps", "optimizers", "view"])?;
        let function = parse_function(o.required("function")?, "function")?;
        let start = pair(o.required("start")?, "start", START_RANGE)?;
        let steps = integer(o.required("steps")?, "steps", 0, MAX_STEPS)?;
        let list = match o.required("optimizers")? {
            Value::Array(items) => items,
            other => {
                return Err(ConfigError::new(
                    "optimizers",
                    format!("must be a list of optimizers, got {}", kind_of(other)),
                ))
            }
        };
        if list.len() > MAX_OPTIMIZERS {
            return Err(ConfigError::new(
                "optimizers",
                format!(
                    "at most {MAX_OPTIMIZERS} optimizers can be compared, got {}",
                    list.len()
                ),
            ));
        }
        let optimizers = list
            .iter()
            .enumerate()
            .map(|(i, item)| parse_optimizer(item, &format!("optimizers[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let view = match o.map.get("view") {
            Some(v) => parse_view(v)?,
            None => None,
        };
        Ok(Experiment {
            function,
            start,
            steps,
            optimizers,
            view,
        })
    }

    /// The experiment as JSON text that [`Experiment::from_json`] reads back
    /// to the same experiment.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an experiment always serializes")
    }
}

fn json_reason(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is already given.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

// ------------------------------------------------------------------ serde

impl Serialize for FunctionConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.def.name)?;
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
        for spec in self.def.hyper {
            match self.hyper.0[spec.name] {
                HyperValue::Number(x) => m.serialize_entry(spec.name, &x)?,
                HyperValue::Pair(p) => m.serialize_entry(spec.name, &p)?,
                HyperValue::Flag(b) => m.serialize_entry(spec.name, &b)?,
            }
        }
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
        m.end()
    }
}

impl Serialize for Experiment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("function", &self.function)?;
        m.serialize_entry("start", &self.start)?;
        m.serialize_entry("steps", &self.steps)?;
        m.serialize_entry("optimizers", &self.optimizers)?;
        if let Some(view) = &self.view {
            m.serialize_entry("view", view)?;
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
