//! The browser side: the page's entry point and the JavaScript API. Compiled
//! for `wasm32` only; the core it calls knows nothing of the DOM.

use crate::output;
use crate::Experiment;
use wasm_bindgen::prelude::*;
use web_sys::{Document, HtmlElement, HtmlTextAreaElement};

/// Validates and runs an experiment given as a plain JavaScript object (the
/// JSON the CLI reads) and returns `{runs: [...]}` as the CLI prints it.
/// Errors are thrown as a string naming the field at fault.
#[wasm_bindgen(js_name = runExperiment)]
pub fn run_experiment(experiment: JsValue) -> Result<JsValue, JsValue> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(experiment)
        .map_err(|e| JsValue::from_str(&format!("not an experiment object: {e}")))?;
    let exp = Experiment::from_value(&value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let runs = exp.run();
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&output::Runs { runs: &runs }, &serializer)
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The page: an experiment editor whose runs are summarised below it.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return Ok(());
    };
    // The page's elements are absent when this module is loaded by tests.
    let (Some(editor), Some(button)) = (
        doc.get_element_by_id("experiment"),
        doc.get_element_by_id("run"),
    ) else {
        return Ok(());
    };
    let editor: HtmlTextAreaElement = editor.dyn_into()?;
    show(&doc, &editor.value());
    let on_click = {
        let doc = doc.clone();
        Closure::<dyn FnMut()>::new(move || show(&doc, &editor.value()))
    };
    button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    // The page lives as long as the listener: hand the closure to JavaScript.
    on_click.forget();
    Ok(())
}

/// Runs the experiment in `text` and writes one line per optimizer, or the error.
fn show(doc: &Document, text: &str) {
    let Some(out) = doc
        .get_element_by_id("results")
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let Some(err) = doc
        .get_element_by_id("error")
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    match Experiment::from_json(text) {
        Ok(exp) => {
            err.set_text_content(None);
            err.set_hidden(true);
            out.set_inner_html("");
            for run in exp.run() {
                if let Ok(li) = doc.create_element("li") {
                    li.set_text_content(Some(&format!("{}: {}", run.label, run.status)));
                    let _ = out.append_child(&li);
                }
            }
        }
        // The last results stay on screen; the message says what to fix.
        Err(e) => {
            err.set_text_content(Some(&e.to_string()));
            err.set_hidden(false);
        }
    }
}
