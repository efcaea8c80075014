//! Every key a link may hold, declared once: the experiment's keys and the
//! page's own, each with what it sets, what it takes and how it is read.
//! Decoding dispatches on this table ([`classify`]), errors list its keys,
//! the page's script reads the page keys' names and kinds from it (through
//! the catalogue), and a test holds `docs/links.md`'s table of keys to it.

/// What a key sets: a part of the experiment, or something of the page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `fn`: the function's name.
    Function,
    /// `fn.expr`: a typed function's formula.
    Formula,
    /// `fn.view`: a typed function's own window.
    FormulaView,
    /// `fn.standardize`: whether two features are rescaled.
    Standardize,
    /// `fn.P`: a parameter of the function, or a network's own key.
    FunctionKey,
    /// `data`: given rows.
    Rows,
    /// `data.K`: a key of generated rows.
    Generate,
    /// `view`: the plot's window.
    View,
    /// A key of the experiment's own, under the same name (`start`, `steps`,
    /// `batch_size`, …).
    Setting,
    /// `stop.K`: a stopping rule.
    Stop,
    /// `oN`: optimizer N's name.
    Optimizer,
    /// `oN.K`: a key of optimizer N.
    OptimizerKey,
    /// `oN.base.K`, `oN.others.K`: a key of the optimizer it holds (whose
    /// name is `oN.base`, `oN.others`).
    InnerKey,
    /// `oN.update`, `oN.label`: a typed rule's text.
    RuleText,
    /// `oN.hyper.K`, `oN.state.K`: a typed rule's named number or a state
    /// variable's first value.
    RuleNumber,
    /// `oN.clip.K`: its clipping.
    Clip,
    /// `oN.sched`: its schedule's name.
    Schedule,
    /// `oN.sched.K`: a key of its schedule.
    ScheduleKey,
    /// `oN.sched.schedulers`: a sequence's schedules, by name.
    Sequence,
    /// `oN.sched.I.K`: a key of a sequence's I-th schedule.
    SequenceKey,
    /// One of the page's own keys, holding this kind of value.
    Page(PageKind),
}

/// What a page key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `1` or `0`.
    Switch,
    /// A whole number in `[min, max]`.
    Whole {
        /// The smallest allowed.
        min: u32,
        /// The largest allowed.
        max: u32,
    },
    /// One of these words.
    Word(&'static [&'static str]),
    /// Some of these words, separated by commas.
    Words(&'static [&'static str]),
    /// Parts of the experiment, as a lock names them (`crate::lock`).
    Lock,
    /// An angle, `yaw,pitch[,zoom]` (`crate::angle`).
    Angle,
    /// A lesson's name, or `1` or `0` (an embed shows a scenario's lesson).
    Lesson,
    /// Any text.
    Text,
    /// Texts separated by `|`.
    Texts,
}

/// How the page writes a page key back into the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Not a page key.
    No,
    /// As the link gave it (`embed`, `play`, `speed`).
    AsGiven,
    /// As the page shows it now (what is open, hidden, locked or asked).
    AsShown,
}

/// One key of a link.
#[derive(Debug, Clone, Copy)]
pub struct LinkKey {
    /// The key as written. N stands for an optimizer's number and I for a
    /// sequence's schedule, each from 1; P and K for a name.
    pub key: &'static str,
    /// What it sets.
    pub role: Role,
    /// What it takes, as an error message says it.
    pub takes: &'static str,
    /// How the page writes it back, for a page key.
    pub kept: Kept,
}

const fn exp(key: &'static str, role: Role, takes: &'static str) -> LinkKey {
    LinkKey {
        key,
        role,
        takes,
        kept: Kept::No,
    }
}

const fn page(key: &'static str, kind: PageKind, kept: Kept, takes: &'static str) -> LinkKey {
    LinkKey {
        key,
        role: Role::Page(kind),
        takes,
        kept,
    }
}

/// The charts under the plot a link may name.
pub const CHARTS: &[&str] = &[
    "loss",
    "lr",
    "curvature",
    "effective",
    "evals",
    "momentum",
    "accuracy",
    "layers",
];

/// The page's themes: auto follows the reader's system (the page's default;
/// an embed's is light, as most host pages are).
pub const THEMES: &[&str] = &["light", "dark", "auto"];

/// The parts of the page a link may hide.
pub const HIDEABLE: &[&str] = &["controls", "chart", "data", "legend", "buttons"];

/// The most choices a question of a link may offer.
pub const MAX_CHOICES: usize = 6;

/// Every key, in the order `docs/links.md` lists them.
pub static KEYS: &[LinkKey] = &[
    exp("fn", Role::Function, "a function's name"),
    exp("fn.P", Role::FunctionKey, "a number"),
    exp("fn.expr", Role::Formula, "a formula"),
    exp("fn.view", Role::FormulaView, "xmin,xmax,ymin,ymax"),
    exp("fn.standardize", Role::Standardize, "true or false"),
    exp("fn.hidden", Role::FunctionKey, "layer widths, as 8,8"),
    exp("fn.activation", Role::FunctionKey, "tanh, relu or sigmoid"),
    exp("fn.batch_norm", Role::FunctionKey, "true or false"),
    exp("fn.task", Role::FunctionKey, "classification or regression"),
    exp("fn.init", Role::FunctionKey, "an initialization's name"),
    exp("fn.init_std", Role::FunctionKey, "a number"),
    exp("fn.init_seed", Role::FunctionKey, "a whole number"),
    exp("fn.plane", Role::FunctionKey, "pca or random"),
    exp(
        "fn.weights",
        Role::FunctionKey,
        "numbers separated by commas",
    ),
    exp("data", Role::Rows, "rows x,y;x,y;…"),
    exp("data.K", Role::Generate, "a number"),
    exp("start", Role::Setting, "x,y"),
    exp("steps", Role::Setting, "a whole number"),
    exp("view", Role::View, "xmin,xmax,ymin,ymax"),
    exp("batch_size", Role::Setting, "a whole number or full"),
    exp("seed", Role::Setting, "a whole number"),
    exp("grad_noise", Role::Setting, "a number >= 0"),
    exp("accumulate", Role::Setting, "a whole number"),
    exp("l2", Role::Setting, "a number >= 0"),
    exp("stop.K", Role::Stop, "a number"),
    exp("oN", Role::Optimizer, "an optimizer's name"),
    exp("oN.K", Role::OptimizerKey, "a value"),
    exp(
        "oN.base.K",
        Role::InnerKey,
        "a value of the optimizer SAM or Lookahead wraps",
    ),
    exp(
        "oN.others.K",
        Role::InnerKey,
        "a value of the optimizer Muon steps the other parameters with",
    ),
    exp(
        "oN.update",
        Role::RuleText,
        "a typed rule's update, its lines separated by ; or a newline",
    ),
    exp("oN.label", Role::RuleText, "a typed rule's name"),
    exp(
        "oN.hyper.K",
        Role::RuleNumber,
        "a named number of a typed rule",
    ),
    exp(
        "oN.state.K",
        Role::RuleNumber,
        "a typed rule's state variable and its first value",
    ),
    exp("oN.clip.max_norm", Role::Clip, "a number > 0"),
    exp("oN.clip.clip_value", Role::Clip, "a number > 0"),
    exp("oN.sched", Role::Schedule, "a schedule's name"),
    exp("oN.sched.K", Role::ScheduleKey, "a value"),
    exp(
        "oN.sched.schedulers",
        Role::Sequence,
        "schedule names, as linear,cosine",
    ),
    exp("oN.sched.I.K", Role::SequenceKey, "a value"),
    page(
        "embed",
        PageKind::Switch,
        Kept::AsGiven,
        "1 (the compact view for an iframe) or 0",
    ),
    page(
        "theme",
        PageKind::Word(THEMES),
        Kept::AsGiven,
        "light, dark or auto (the reader's system)",
    ),
    page(
        "lesson",
        PageKind::Lesson,
        Kept::AsShown,
        "1 (show the scenario's lesson in the embed), 0, or a lesson's name",
    ),
    page(
        "part",
        PageKind::Whole { min: 1, max: 99 },
        Kept::AsShown,
        "a lesson's part, a whole number from 1",
    ),
    page(
        "play",
        PageKind::Switch,
        Kept::AsGiven,
        "1 (play once loaded) or 0",
    ),
    page(
        "speed",
        PageKind::Whole { min: 1, max: 200 },
        Kept::AsGiven,
        "a whole number of steps per second in [1, 200]",
    ),
    page(
        "chart",
        PageKind::Word(CHARTS),
        Kept::AsShown,
        "the chart under the plot",
    ),
    page("arrows", PageKind::Switch, Kept::AsShown, "1 (show) or 0"),
    page(
        "curvature",
        PageKind::Switch,
        Kept::AsShown,
        "1 (show) or 0",
    ),
    page("inspect", PageKind::Switch, Kept::AsShown, "1 (show) or 0"),
    page(
        "view3d",
        PageKind::Angle,
        Kept::AsShown,
        "YAW,PITCH or YAW,PITCH,ZOOM",
    ),
    page(
        "hide",
        PageKind::Words(HIDEABLE),
        Kept::AsShown,
        "parts of the page, separated by commas",
    ),
    page(
        "lock",
        PageKind::Lock,
        Kept::AsShown,
        "parts of the experiment, separated by commas",
    ),
    page(
        "predict",
        PageKind::Whole { min: 1, max: 16 },
        Kept::AsShown,
        "the number of an optimizer",
    ),
    page(
        "question",
        PageKind::Text,
        Kept::AsShown,
        "a question's text",
    ),
    page(
        "choices",
        PageKind::Texts,
        Kept::AsShown,
        "2 to 6 answers separated by |",
    ),
    page(
        "answer",
        PageKind::Whole { min: 1, max: 6 },
        Kept::AsShown,
        "the number of the right choice",
    ),
];

/// Whether `segment` of a key matches `pattern`'s segment.
fn segment_matches(pattern: &str, segment: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        "oN" => segment.strip_prefix('o').is_some_and(digits),
        "I" => digits(segment),
        "P" | "K" => !segment.is_empty(),
        literal => literal == segment,
    }
}

/// How many of a pattern's segments are written out, not placeholders:
/// where two patterns match, the more literal one is meant.
fn literal(pattern: &str) -> usize {
    pattern
        .split('.')
        .filter(|s| !matches!(*s, "oN" | "I" | "P" | "K"))
        .count()
}

/// The table's entry for `key`, or `None` for a key no link takes.
pub fn classify(key: &str) -> Option<&'static LinkKey> {
    let segments: Vec<&str> = key.split('.').collect();
    KEYS.iter()
        .filter(|k| {
            let pattern: Vec<&str> = k.key.split('.').collect();
            pattern.len() == segments.len()
                && pattern
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| segment_matches(p, s))
        })
        .max_by_key(|k| literal(k.key))
}

/// The page's own keys, in the table's order.
pub fn page_keys() -> impl Iterator<Item = &'static LinkKey> {
    KEYS.iter().filter(|k| matches!(k.role, Role::Page(_)))
}

/// The experiment's keys, for an error that lists what a link may hold.
pub fn experiment_keys() -> String {
    KEYS.iter()
        .filter(|k| !matches!(k.role, Role::Page(_)))
        .map(|k| k.key)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_classified_by_its_most_literal_pattern() {
        let role = |k: &str| classify(k).map(|k| k.role);
        assert_eq!(role("fn"), Some(Role::Function));
        assert_eq!(role("fn.b"), Some(Role::FunctionKey));
        assert_eq!(role("fn.expr"), Some(Role::Formula));
        assert_eq!(role("o12.sched"), Some(Role::Schedule));
        assert_eq!(role("o1.sched.T_max"), Some(Role::ScheduleKey));
        assert_eq!(role("o1.sched.schedulers"), Some(Role::Sequence));
        assert_eq!(role("o1.sched.2.T_max"), Some(Role::SequenceKey));
        assert_eq!(role("o1.clip.max_norm"), Some(Role::Clip));
        assert_eq!(role("o1.lr"), Some(Role::OptimizerKey));
        assert_eq!(role("o1.update"), Some(Role::RuleText));
        assert_eq!(role("o1.hyper.mu"), Some(Role::RuleNumber));
        assert_eq!(role("o2.state.v"), Some(Role::RuleNumber));
        assert_eq!(
            role("speed"),
            Some(Role::Page(PageKind::Whole { min: 1, max: 200 }))
        );
        assert_eq!(role("ox"), None);
        assert_eq!(role("o1.clip.other"), None);
        assert_eq!(role("whatever"), None);
    }

    #[test]
    fn the_docs_list_every_key_of_the_table_and_no_other() {
        let doc = include_str!("../../../../docs/links.md");
        let table = doc
            .split("## Every key")
            .nth(1)
            .expect("docs/links.md has a section \"Every key\"");
        let documented: Vec<&str> = table
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .filter_map(|l| l.split('|').nth(1))
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        let keys: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
        assert_eq!(
            documented, keys,
            "docs/links.md's table of keys and link::keys::KEYS"
        );
    }
}
