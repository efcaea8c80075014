//! The page's model, natively: an edit that is refused changes nothing, a
//! teacher's lock holds, the step follows the runs, and the calls the page
//! makes most (set, the function, the optimizers, the start, zoom and pan,
//! links, drawing) do what the page relies on.

use optiviz_app::app::{App, Sizes};
use optiviz_app::host::Headless;
use optiviz_render::svg::SvgPainter;
use serde_json::{json, Value};

fn app() -> App<Headless> {
    let mut app = App::new(Headless::default());
    app.resize(
        Sizes {
            plot: (400, 300),
            chart: (400, 150),
            data: (400, 200),
        },
        1.0,
    );
    app
}

const BOOTH: &str = r#"{"function": {"name": "booth"}, "start": [4, -3], "steps": 40,
    "optimizers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.3}]}"#;

fn loaded(json: &str) -> App<Headless> {
    let mut a = app();
    a.set_experiment(&serde_json::from_str(json).unwrap())
        .unwrap();
    a
}

fn doc(a: &App<Headless>) -> Value {
    serde_json::to_value(a.experiment()).unwrap()
}

#[test]
fn a_refused_edit_changes_nothing_and_names_every_field() {
    let mut a = loaded(BOOTH);
    let before = (a.experiment_json(), a.runs().to_vec(), a.step());
    let e = a.set("optimizers[0].lr", json!(-1)).unwrap_err();
    assert_eq!(e.first().field, "optimizers[0].lr");
    // A whole experiment with three problems names all three, at their paths.
    let mut bad = doc(&a);
    bad["steps"] = json!(-5);
    bad["optimizers"][1]["betas"] = json!([0.9, 1.5]);
    bad["view"] = json!({"x": [1, 1], "y": [0, 1]});
    let e = a.set_experiment(&bad).unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["steps", "optimizers[1].betas[1]", "view.x"]);
    // Nothing moved.
    assert_eq!(before, (a.experiment_json(), a.runs().to_vec(), a.step()));
    // An unknown function, optimizer or scenario says what there is.
    assert!(a.set_function("nope").is_err());
    assert!(a
        .add_optimizer("nope")
        .unwrap_err()
        .to_string()
        .contains("sgd, adagrad"));
    assert!(a.load_scenario("nope").is_err());
    assert_eq!(before.0, a.experiment_json());
}

#[test]
fn a_lock_refuses_what_it_locks_and_lets_the_rest_through() {
    let mut a = loaded(BOOTH);
    assert!(a.set_lock("start,o2.lr,zzz").len() == 1);
    assert_eq!(a.locked(), ["start", "o2.lr"]);
    let e = a.move_start(1.0, 1.0).unwrap_err();
    assert_eq!(e.to_string(), "start: is locked by this link");
    let e = a.set("optimizers[1].lr", json!(0.1)).unwrap_err();
    assert_eq!(e.first().field, "optimizers[1].lr");
    // Other settings, and the view, are the reader's.
    a.set("optimizers[0].lr", json!(0.01)).unwrap();
    a.zoom(200.0, 150.0, 0.5).unwrap();
    assert_eq!(a.experiment().optimizers[0].lr, 0.01);
    // A whole new experiment that moves the start is refused as well.
    let mut moved = doc(&a);
    moved["start"] = json!([0, 0]);
    assert!(a.set_experiment(&moved).is_err());
    assert_eq!(a.lock_text(), "start,o2.lr");
}

#[test]
fn the_step_follows_the_runs() {
    let mut a = loaded(BOOTH);
    assert_eq!(a.max_step(), 40);
    a.set_step(1_000);
    assert_eq!(a.step(), 40);
    a.set_step(7);
    assert_eq!(a.step(), 7);
    // Fewer steps: the step shown is held to the new last one.
    a.set("steps", json!(5)).unwrap();
    assert_eq!((a.max_step(), a.step()), (5, 5));
    let status = a.statuses();
    assert_eq!(status.len(), 2);
    assert!(status[0].text.starts_with("step 5"), "{}", status[0].text);
}

#[test]
fn the_function_the_optimizers_and_the_start_edit_as_the_page_expects() {
    let mut a = loaded(BOOTH);
    a.set_function("himmelblau").unwrap();
    assert_eq!(a.experiment().function.def.name, "himmelblau");
    // Its own view, and a start inside it.
    let v = a.view_window();
    let s = a.experiment().start;
    assert!(v[0] < s[0] && s[0] < v[1] && v[2] < s[1] && s[1] < v[3]);
    // Removing the first optimizer keeps the second's colour.
    a.add_optimizer("rmsprop").unwrap();
    let colour = a.color(1);
    a.remove_optimizer(0).unwrap();
    assert_eq!(a.color(0), colour);
    assert_eq!(a.experiment().optimizers.len(), 2);
    // A click moves the start, rounded to what a pixel of the plot tells apart.
    a.move_start(1.23456789, -0.987654321).unwrap();
    let s = a.experiment().start;
    assert!(
        (s[0] - 1.23456789).abs() < 0.05 && s[0].to_string().len() < 8,
        "{s:?}"
    );
    assert!(a.near_start(a.to_css(s[0], s[1])[0], a.to_css(s[0], s[1])[1]));
    // Zooming in about the centre halves the window; panning moves it.
    let before = a.view_window();
    a.zoom(200.0, 150.0, 0.5).unwrap();
    let after = a.view_window();
    assert!(((after[1] - after[0]) - 0.5 * (before[1] - before[0])).abs() < 1e-9);
    a.pan(10.0, 0.0).unwrap();
    assert!(a.view_window()[0] < after[0]);
    a.reset_view().unwrap();
    assert_eq!(a.experiment().view, None);
}

#[test]
fn a_link_opens_as_far_as_it_is_valid_and_names_every_bad_key() {
    let mut a = app();
    let opened = a.open_link(
        "?fn=nosuchfn&o1=adam&o1.lr=0.05&play=7&speed=999&lock=zzz&hide=foo&chart=zzz&view3d=999,999,999&predict=abc",
    );
    let keys: Vec<&str> = opened.errors.iter().map(|e| e.field.as_str()).collect();
    for key in [
        "fn", "play", "speed", "lock", "hide", "chart", "view3d", "predict",
    ] {
        assert!(keys.contains(&key), "{key} not named: {keys:?}");
    }
    // The valid part is kept: Adam, on the fallback function.
    assert_eq!(a.experiment().optimizers[0].def.name, "adam");
    assert_eq!(a.experiment().optimizers[0].lr, 0.05);
    assert!(opened.experiment);
    // A lesson by name loads its part when the link has no experiment.
    let mut b = app();
    let opened = b.open_link("?lesson=how-optimizers-move&part=2");
    assert!(opened.errors.is_empty(), "{:?}", opened.errors);
    assert!(!opened.experiment);
    assert_eq!(b.computed_query(), {
        let l = &optiviz_app::lessons::LESSONS[0];
        optiviz_experiment::link::encode(&l.parts[1].experiment().computed()).ok()
    });
    let opened = b.open_link("?lesson=how-optimizers-move&part=99");
    assert_eq!(opened.errors[0].field, "part");
    // Unknown keys alone hold no experiment: the page keeps its own, and
    // each is named (a tracker's key is not).
    let mut c = app();
    let before = c.experiment().to_json();
    let opened = c.open_link("?scenario=too-large&utm_source=mail&speed=20");
    assert!(!opened.experiment);
    let named: Vec<&str> = opened.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(named, ["scenario"]);
    assert!(opened.errors[0]
        .message
        .starts_with("unknown URL parameter; allowed: fn, "));
    assert_eq!(c.experiment().to_json(), before);
}

#[test]
fn every_view_draws() {
    let mut a = loaded(BOOTH);
    a.set_arrows(true);
    a.set_curvature(true);
    let mut p = SvgPainter::new("s");
    // The first frame may draw a preview; the full detail follows.
    a.draw_surface(&mut p, true);
    while !a.refine_surface(8.0) {}
    assert!(a.surface_detailed());
    a.draw_surface(&mut SvgPainter::new("s"), false);
    for kind in a.chart_kinds() {
        a.draw_chart(&mut SvgPainter::new("c"), kind);
    }
    a.draw_paths(&mut SvgPainter::new("p"));
    assert!(
        !a.draw_data(&mut SvgPainter::new("d")),
        "a formula has no data panel"
    );
    assert_eq!(a.inspect().len(), 2);
    // In relief too.
    a.set_relief(-35.0, 30.0, 1.0);
    a.draw_surface(&mut SvgPainter::new("r"), false);
    a.draw_paths(&mut SvgPainter::new("rp"));
}

/// The page's Tune from the sweep its workers computed: each optimizer at
/// the rate `optiviz tune` gives it, as one edit; a locked rate kept and
/// said; one Undo back to every rate as it was.
#[test]
fn tune_sets_the_rates_tune_gives_as_one_edit_and_undo_takes_it_back() {
    let mut a = loaded(BOOTH);
    let lrs = optiviz_engine::sweep::log_spaced(1e-5, 10.0, 61).unwrap();
    assert!(a.tune().is_err(), "no sweep yet");
    let exp = optiviz_experiment::experiment::Experiment::from_json(BOOTH).unwrap();
    let sweep = optiviz_engine::sweep::sweep(&exp, &lrs);
    for (i, run) in sweep.runs.iter().enumerate() {
        let diverged: Vec<bool> = run
            .status
            .iter()
            .map(|s| matches!(s, optiviz_engine::trajectory::Status::Diverged { .. }))
            .collect();
        a.set_sweep(i, &lrs, &run.final_loss, &diverged);
    }
    let want = optiviz_engine::sweep::tune(&exp, &lrs);
    let report = a.tune().unwrap();
    let now: Vec<f64> = a.experiment().optimizers.iter().map(|o| o.lr).collect();
    let tuned: Vec<f64> = want.tuned.iter().map(|t| t.lr).collect();
    assert_eq!(now, tuned);
    assert_eq!(
        report.iter().map(|t| t.was).collect::<Vec<_>>(),
        [0.05, 0.3]
    );
    let names = ["SGD".to_string(), "Adam".to_string()];
    let message = App::<Headless>::tune_message(&report, &names);
    assert!(message.starts_with("Tuned: SGD lr "), "{message}");
    a.undo_tune().unwrap();
    assert_eq!(doc(&a), doc(&loaded(BOOTH)));
    assert!(a.undo_tune().is_err(), "one tuning, one Undo");
    // A rate the link locks is kept, and said to be.
    assert!(a.set_lock("o2.lr").is_empty());
    let report = a.tune().unwrap();
    assert_eq!(a.experiment().optimizers[1].lr, 0.3);
    assert_eq!(report[1].kept, Some("locked by the link"));
    assert!(App::<Headless>::tune_message(&report, &names)
        .contains("Adam kept lr 0.3 (locked by the link)"));
}

/// A typed rule added from the menu starts as gradient descent; in "Build
/// Adam yourself" the reader's rule is checked against the goal by running
/// both, and their own edits leave the part shown.
#[test]
fn a_typed_rule_is_added_and_checked_in_its_lesson() {
    let mut a = loaded(BOOTH);
    a.add_optimizer("rule").unwrap();
    let added = &doc(&a)["optimizers"][2];
    assert_eq!(added["update"], "theta = theta - lr*g");
    // Gradient descent typed takes SGD's steps at the same rate.
    a.set("optimizers[2].lr", json!(0.05)).unwrap();
    assert_eq!(a.runs()[2].points, a.runs()[0].points);
    // The lesson: its parts open passing or not, as they are written.
    a.load_lesson_part("build-adam", 1).unwrap();
    assert!(a.shows_lesson_part("build-adam", 1));
    let c = a.check_lesson_part("build-adam", 1).unwrap();
    assert_eq!((&c["passed"], &c["step"]), (&json!(true), &Value::Null));
    a.load_lesson_part("build-adam", 2).unwrap();
    let c = a.check_lesson_part("build-adam", 2).unwrap();
    assert_eq!((&c["passed"], &c["step"]), (&json!(false), &json!(1)));
    assert!(c["message"]
        .as_str()
        .unwrap()
        .starts_with("Your path leaves the goal's at step 1: yours is at ("));
    // The reader writes the piece: still the part, and now it passes.
    a.set(
        "optimizers[0].update",
        json!("m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m"),
    )
    .unwrap();
    assert!(a.shows_lesson_part("build-adam", 2));
    assert_eq!(
        a.check_lesson_part("build-adam", 2).unwrap()["passed"],
        true
    );
    // Another start is another part; a part that is not there is named.
    a.set("start", json!([-3, 1])).unwrap();
    assert!(!a.shows_lesson_part("build-adam", 2));
    assert!(!a.shows_lesson_part("build-adam", 9));
    assert_eq!(
        a.check_lesson_part("build-adam", 9)
            .unwrap_err()
            .first()
            .field,
        "part"
    );
    assert_eq!(
        a.check_lesson_part("how-optimizers-move", 1)
            .unwrap_err()
            .first()
            .field,
        "lesson"
    );
}
