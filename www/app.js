// The page's wiring: builds the controls from the engine's catalogue, sends
// every edit to the Rust `App` (which owns the one experiment and validates
// it), and redraws. No experiment state is kept here.

const $ = (id) => document.getElementById(id);

function start(bindings) {
  performance.mark("optiviz-start");
  const { App, catalogue } = bindings;
  const app = new App($("surface"), $("paths"), $("chart"), $("data"));
  // The catalogue (every function and optimizer, with MathML) is only needed
  // for the controls, which are built after the first frame.
  let cat = null;
  const params = new URLSearchParams(location.search);
  const embed = params.get("embed") === "1";
  if (embed) {
    document.body.classList.add("embed");
    $("home").target = "_blank";
    $("home").title = "Open this experiment in optiviz";
  }

  let playing = false;
  let lastFrame = 0;
  let carry = 0;
  let urlTimer = 0;

  // ------------------------------------------------------------ messages

  function showError(text) {
    const box = $("message");
    box.textContent = text;
    box.hidden = false;
  }
  function clearError() {
    $("message").hidden = true;
    $("message").textContent = "";
  }
  function notice(text) {
    $("notice").textContent = text;
    setTimeout(() => { if ($("notice").textContent === text) $("notice").textContent = ""; }, 2500);
  }
  // Errors from the engine name the field; say it the way the panel shows it.
  function friendly(err) {
    const text = String(err);
    return text
      .replace(/^optimizers\[(\d+)\]\.?/, (_, i) => `${groupName(+i)} › `)
      .replace(/^line (\d+):/, "Rows, line $1:");
  }

  // ------------------------------------------------------------ drawing

  // The surface at full detail; `fast` draws a coarser raster first (first
  // frame, dragging) and the full one once things are still.
  let refining = 0;
  function drawAll(fast = false) {
    refining++;
    app.drawSurface(fast);
    drawDynamic();
    if (fast) refine(refining);
  }
  // The full-detail surface, a slice of rows per task, then drawn; a newer
  // redraw (a new `refining` count) supersedes this one.
  async function refine(generation) {
    await new Promise((done) => setTimeout(done, 100));
    while (generation === refining && !app.refineSurface(32)) {
      await new Promise((done) => setTimeout(done, 0));
    }
    if (generation === refining) {
      app.drawSurface(false);
      performance.mark("optiviz-refined");
    }
  }
  function drawDynamic() {
    app.drawPaths();
    app.drawChart();
    if (!$("data-figure").hidden) app.drawData();
    renderStatus();
  }
  // What depends on the experiment as a whole: the data panel's presence,
  // the note on the minimum, whether a link can carry it.
  let info = null;
  function syncPanels() {
    info = app.info();
    const figure = $("data-figure");
    const show = !!info.model;
    if (figure.hidden === show) {
      figure.hidden = !show;
      measure(true);
      drawAll(true);
    }
    $("data-caption").textContent = info.model === "linear"
      ? `${info.rows} points and each optimizer's line y = w x + b at the current step.`
      : info.model === "logistic"
        ? `${info.rows} points (y = 0 or 1), each optimizer's P(y = 1) = sigmoid(w x + b) and its decision boundary (dashed) at the current step.`
        : "";
    $("surface-note").textContent = [info.note, info.link && `Not linkable: ${info.link}`].filter(Boolean).join(" ");
  }
  function linkQuery() {
    try {
      return app.query();
    } catch {
      return null;
    }
  }
  // Screen readers hear when a path converges or diverges, not every step.
  let announced = [];
  function announce(list) {
    const changes = list
      .map((s, i) => (s.state !== "moving" && announced[i] !== s.text ? `${groupName(i)}: ${s.text}` : null))
      .filter(Boolean);
    announced = list.map((s, i) => (s.state !== "moving" ? s.text : announced[i]));
    if (changes.length) $("announce").textContent = changes.join(". ");
  }
  function renderStatus() {
    const list = app.statuses();
    announce(list);
    const legend = $("legend");
    legend.replaceChildren(
      ...list.filter((s) => s.enabled).map((s) => {
        const li = document.createElement("li");
        const sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = s.color;
        const label = document.createElement("span");
        label.className = "label";
        label.textContent = s.label;
        const st = document.createElement("span");
        st.className = `state ${s.state}`;
        st.textContent = s.text;
        li.append(sw, label, st);
        return li;
      }),
    );
    list.forEach((s, i) => {
      const el = document.querySelector(`[data-status="${i}"]`);
      if (el && el.textContent !== s.text) el.textContent = s.text;
      if (el) el.className = `status ${s.state}`;
    });
    $("step-out").textContent = `step ${app.step} of ${app.maxStep()}`;
    $("play").textContent = playing ? "Pause" : "Play";
  }

  // ------------------------------------------------------------ the URL

  function writeUrl() {
    const query = linkQuery();
    if (cat) showScenario(query);
    // A pasted dataset too large for a link: the address keeps its last
    // linkable state and the page says why (see syncPanels).
    if (query === null) return;
    const q = query + (embed ? "&embed=1" : "");
    if (embed) $("home").href = `${location.pathname}?${query}`;
    // Replace, not push: editing should not flood the history.
    history.replaceState(null, "", `${location.pathname}?${q}`);
  }
  // While a slider moves, write the URL once it rests.
  function syncUrl() {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(writeUrl, 200);
  }

  // ------------------------------------------------------------ edits

  // Applies an edit; on error keeps the last valid state and says why. A
  // control left holding a refused value is reset from the engine when the
  // next edit succeeds.
  let refused = false;
  function edit(fn, input) {
    try {
      fn();
    } catch (e) {
      showError(friendly(e));
      if (input) input.setAttribute("aria-invalid", "true");
      refused = true;
      return false;
    }
    clearError();
    if (input) input.removeAttribute("aria-invalid");
    if (refused && cat) {
      refused = false;
      rebuild();
    }
    syncPanels();
    syncUrl();
    return true;
  }
  function numberFrom(input, what) {
    const text = input.value.trim();
    const x = Number(text);
    if (text === "" || !Number.isFinite(x)) {
      throw `${what}: "${input.value}" is not a number`;
    }
    return x;
  }

  // ------------------------------------------------------------ the panel

  const fnSelect = $("function");
  const addSelect = $("add-name");
  const scenarioSelect = $("scenario");
  function fillPickers() {
    cat = catalogue();
    for (const f of cat.functions) fnSelect.add(new Option(f.title, f.name));
    for (const o of cat.optimizers) addSelect.add(new Option(o.title, o.name));
    for (const s of cat.scenarios) scenarioSelect.add(new Option(s.title, s.id));
  }

  function groupName(i) {
    const exp = app.experiment();
    const o = exp.optimizers[i];
    if (!o || !cat) return `optimizer ${i + 1}`;
    const title = cat.optimizers.find((d) => d.name === o.name).title;
    const same = exp.optimizers.slice(0, i).filter((p) => p.name === o.name).length;
    return same ? `${title} ${same + 1}` : title;
  }

  function field(labelText, input, doc) {
    const label = document.createElement("label");
    label.className = "field";
    label.append(labelText, input);
    if (doc) label.title = doc;
    return label;
  }
  function numberInput(value, onCommit, what) {
    const input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    input.inputMode = "decimal";
    input.value = value;
    input.addEventListener("change", () => {
      if (edit(() => onCommit(numberFrom(input, what)), input)) drawDynamic();
    });
    return input;
  }

  function buildSurface() {
    const exp = app.experiment();
    const def = cat.functions.find((f) => f.name === exp.function.name);
    fnSelect.value = def.name;
    $("formula").innerHTML = def.formula;
    $("about").textContent = def.about;
    const box = $("function-params");
    box.replaceChildren();
    for (const p of def.params) {
      const value = exp.function.params[p.name];
      const lo = Number.isFinite(p.range.lo) ? p.range.lo : -10;
      const hi = Number.isFinite(p.range.hi) ? p.range.hi : 10;
      const step = (hi - lo) / 1000;
      const slider = document.createElement("input");
      slider.type = "range";
      // An open end is not allowed itself: stop one step inside it.
      slider.min = p.range.lo_inclusive ? lo : lo + step;
      slider.max = p.range.hi_inclusive ? hi : hi - step;
      slider.step = step;
      slider.value = value;
      slider.setAttribute("aria-label", p.name);
      const num = numberInput(value, (x) => app.set(`function.params.${p.name}`, x), `function parameter ${p.name}`);
      num.setAttribute("aria-label", `${p.name} (exact)`);
      slider.addEventListener("input", () => {
        if (edit(() => app.set(`function.params.${p.name}`, Number(slider.value)), slider)) {
          num.value = slider.value;
          drawAll(true);
        }
      });
      num.addEventListener("change", () => {
        if (num.getAttribute("aria-invalid") !== "true") {
          slider.value = num.value;
          drawAll(true);
        }
      });
      const row = document.createElement("div");
      row.className = "slider-row";
      row.append(field(`${p.name} (${p.range.text})`, slider, p.doc), num);
      box.append(row);
    }
    $("start-x").value = exp.start[0];
    $("start-y").value = exp.start[1];
    $("steps").value = exp.steps;
  }

  // A number field whose empty value removes the key (an unset rule or override).
  function optionalInput(value, path, what, placeholder = "off", redraw = drawDynamic) {
    const input = document.createElement("input");
    input.type = "text";
    input.inputMode = "decimal";
    input.placeholder = placeholder;
    input.value = value ?? "";
    input.addEventListener("change", () => {
      const text = input.value.trim();
      const ok = edit(() => {
        if (text === "") app.set(path, null);
        else if (text === "full") app.set(path, "full");
        else app.set(path, numberFrom(input, what));
      }, input);
      if (ok) redraw();
    });
    return input;
  }
  const randomSeed = () => Math.floor(Math.random() * 1e6);

  // Data, batch size or noise, accumulation, seed, L2 and the stopping rules.
  function buildGradients() {
    const exp = app.experiment();
    const model = cat.functions.find((f) => f.name === exp.function.name).model;
    const box = $("gradients-body");
    // A rebuild (after a change to the data) keeps the keyboard focus where it was.
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    box.replaceChildren();
    const after = () => { app.step = app.maxStep(); drawAll(); };
    if (model) {
      const rows = exp.function.data ? exp.function.data.x.length : exp.function.generate.n;
      const head = document.createElement("p");
      head.className = "subhead";
      head.textContent = "Data";
      const source = document.createElement("select");
      source.add(new Option("Generated from a seed", "generate"));
      source.add(new Option("Your own rows (x,y)", "data"));
      source.value = exp.function.data ? "data" : "generate";
      source.addEventListener("change", () => {
        const ok = source.value === "data"
          ? edit(() => app.setData(app.dataCsv()), source)
          : edit(() => app.set("function.data", null), source);
        if (ok) { buildGradients(); after(); }
      });
      box.append(head, field("Rows", source));
      if (exp.function.generate) {
        const g = exp.function.generate;
        const grid = document.createElement("div");
        grid.className = "hyper";
        const names = { n: "points n", w: "true w", b: "true b", noise: "noise σ", seed: "data seed" };
        for (const spec of cat.generate) {
          const input = numberInput(g[spec.name], (x) => app.set(`function.generate.${spec.name}`, x), `Data › ${names[spec.name]}`);
          // After the focus has moved on (Tab), so the rebuild can keep it there.
          input.addEventListener("change", () => {
            if (input.getAttribute("aria-invalid") !== "true") setTimeout(() => { buildGradients(); after(); }, 0);
          });
          grid.append(field(names[spec.name] ?? spec.name, input, `${spec.doc} (${spec.range})`));
        }
        const buttons = document.createElement("div");
        buttons.className = "row-buttons";
        const reroll = document.createElement("button");
        reroll.type = "button";
        reroll.textContent = "New data";
        reroll.title = "Draw the points again from a new seed";
        reroll.addEventListener("click", () => {
          if (edit(() => app.set("function.generate.seed", randomSeed()))) { buildGradients(); after(); }
        });
        buttons.append(reroll);
        box.append(grid, buttons);
      } else {
        const area = document.createElement("textarea");
        area.value = app.dataCsv();
        area.spellcheck = false;
        const buttons = document.createElement("div");
        buttons.className = "row-buttons";
        const use = document.createElement("button");
        use.type = "button";
        use.textContent = "Use these rows";
        use.addEventListener("click", () => {
          if (edit(() => app.setData(area.value), area)) { buildGradients(); after(); }
        });
        buttons.append(use);
        const help = document.createElement("p");
        help.className = "about";
        help.textContent = model === "logistic"
          ? "One row per line: x, then y (0 or 1), separated by a comma, semicolon, tab or space; a header line is fine. Up to 5000 rows."
          : "One row per line: x, then y, separated by a comma, semicolon, tab or space; a header line is fine. Up to 5000 rows.";
        box.append(field("x,y rows", area), buttons, help);
      }
      // Batch size: 1 … n, the right end being the full batch (B = n is batch GD).
      const slider = document.createElement("input");
      slider.type = "range";
      slider.min = 1;
      slider.max = rows;
      slider.step = 1;
      const current = exp.batch_size === undefined || exp.batch_size === "full" ? rows : exp.batch_size;
      slider.value = current;
      const out = document.createElement("output");
      out.className = "batch-out";
      const describe = (v) => v >= rows ? `full batch (${rows} rows): batch gradient descent`
        : v === 1 ? "1 row: stochastic gradient descent" : `${v} rows: mini-batch gradient descent`;
      out.textContent = describe(current);
      slider.setAttribute("aria-valuetext", describe(current));
      slider.addEventListener("input", () => {
        const v = Number(slider.value);
        if (edit(() => app.set("batch_size", v >= rows ? null : v), slider)) {
          out.textContent = describe(v);
          slider.setAttribute("aria-valuetext", describe(v));
          drawDynamic();
        }
      });
      const row = document.createElement("div");
      row.className = "batch";
      row.append(field("Batch size", slider, "rows per gradient; a new shuffled order every epoch"), out);
      box.append(row);
    } else {
      const sigma = exp.grad_noise ?? 0;
      const slider = document.createElement("input");
      slider.type = "range";
      slider.min = 0;
      slider.max = 3;
      slider.step = 0.01;
      slider.value = Math.min(sigma, 3);
      const num = numberInput(sigma, (x) => app.set("grad_noise", x === 0 ? null : x), "Gradient noise σ");
      num.setAttribute("aria-label", "Gradient noise σ (exact)");
      slider.addEventListener("input", () => {
        const x = Number(slider.value);
        if (edit(() => app.set("grad_noise", x === 0 ? null : x), slider)) {
          num.value = x;
          drawDynamic();
        }
      });
      const row = document.createElement("div");
      row.className = "slider-row";
      row.append(field("Gradient noise σ", slider, "standard deviation of Gaussian noise added to each gradient coordinate"), num);
      box.append(row);
    }
    const grid = document.createElement("div");
    grid.className = "hyper";
    const seed = numberInput(exp.seed ?? 0, (x) => app.set("seed", x === 0 ? null : x), model ? "Shuffle seed" : "Noise seed");
    seed.min = 0;
    grid.append(
      field("Accumulate", optionalInput(exp.accumulate, "accumulate", "Accumulate", "1"), "micro-batches (or noisy gradients) averaged into each update"),
      field(model ? "Shuffle seed" : "Noise seed", seed, model ? "seeds the order of the rows in each epoch" : "seeds the gradient noise"),
      field("L2 λ", optionalInput(exp.l2, "l2", "L2 λ", "0", () => drawAll(true)), model ? "adds λ (w² + b²) to the loss, and so to the surface and every gradient" : "adds λ (x² + y²) to the surface and its gradient"),
    );
    const reroll = document.createElement("button");
    reroll.type = "button";
    reroll.textContent = "Reroll seed";
    reroll.addEventListener("click", () => {
      if (edit(() => app.set("seed", randomSeed()))) {
        seed.value = app.experiment().seed ?? 0;
        drawDynamic();
      }
    });
    const buttons = document.createElement("div");
    buttons.className = "row-buttons";
    buttons.append(reroll);
    const stopHead = document.createElement("p");
    stopHead.className = "subhead";
    stopHead.textContent = "Stop when";
    const stop = exp.stop ?? {};
    const rules = document.createElement("div");
    rules.className = "hyper";
    rules.append(
      field("‖gradient‖ ≤", optionalInput(stop.grad_tol, "stop.grad_tol", "Stop › gradient norm"), "stop once the gradient the optimizer receives is this small"),
      field("loss change ≤", optionalInput(stop.loss_tol, "stop.loss_tol", "Stop › loss change"), "stop once the loss moved this little over the window"),
      field("over steps", optionalInput(stop.window, "stop.window", "Stop › window", "10"), "the window of the loss-change rule"),
      field("max steps", optionalInput(stop.max_steps, "stop.max_steps", "Stop › max steps"), "stop after this many steps"),
    );
    box.append(grid, buttons, stopHead, rules);
    box.querySelectorAll("input, select, textarea, button").forEach((el, i) => { el.dataset.key = `g${i}`; });
    if (focused) box.querySelector(`[data-key="${focused}"]`)?.focus();
  }

  function lrSliderValue(lr) {
    return lr > 0 ? Math.log10(lr) : -6;
  }

  // Bumped by every rebuild of the cards, so an older, gradual build stops.
  let buildGen = 0;
  function buildOptimizers() {
    buildGen++;
    const exp = app.experiment();
    const box = $("optimizers");
    box.replaceChildren();
    exp.optimizers.forEach((o, i) => box.append(optimizerCard(o, i)));
  }

  function optimizerCard(o, i) {
    const def = cat.optimizers.find((d) => d.name === o.name);
    const name = groupName(i);
    const card = document.createElement("fieldset");
    card.className = "card optimizer";
    card.setAttribute("aria-label", name);
    const legend = document.createElement("legend");
    legend.textContent = name;
    card.append(legend);

    // Header: show toggle, colour, remove.
    const head = document.createElement("div");
    head.className = "card-head";
    const show = document.createElement("input");
    show.type = "checkbox";
    show.checked = o.enabled !== false;
    show.addEventListener("change", () => {
      if (edit(() => app.set(`optimizers[${i}].enabled`, show.checked ? null : false), show)) drawDynamic();
    });
    const color = document.createElement("input");
    color.type = "color";
    color.value = app.color(i);
    color.addEventListener("input", () => {
      if (edit(() => app.set(`optimizers[${i}].color`, color.value), color)) {
        card.style.setProperty("--path", color.value);
        drawDynamic();
      }
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${name}`);
    remove.addEventListener("click", () => {
      edit(() => app.removeOptimizer(i));
      buildOptimizers();
      drawDynamic();
      $("add").focus();
    });
    head.append(field("Show", show), field("Colour", color), remove);
    card.append(head);

    // Learning rate: a log-scale slider and the exact number.
    const lrRow = document.createElement("div");
    lrRow.className = "slider-row";
    const slider = document.createElement("input");
    slider.type = "range";
    slider.min = -6;
    slider.max = 1;
    slider.step = 0.01;
    slider.value = lrSliderValue(o.lr);
    slider.setAttribute("aria-label", "Learning rate");
    slider.setAttribute("aria-valuetext", `${o.lr}`);
    const lrBox = numberInput(o.lr, (x) => app.set(`optimizers[${i}].lr`, x), `${name} › lr`);
    lrBox.setAttribute("aria-label", "Learning rate (exact)");
    lrBox.min = 0;
    slider.addEventListener("input", () => {
      const lr = Number(Math.pow(10, Number(slider.value)).toPrecision(3));
      if (edit(() => app.set(`optimizers[${i}].lr`, lr), slider)) {
        lrBox.value = lr;
        slider.setAttribute("aria-valuetext", `${lr}`);
        drawDynamic();
      }
    });
    lrBox.addEventListener("change", () => {
      if (lrBox.getAttribute("aria-invalid") === "true") return;
      slider.value = lrSliderValue(Number(lrBox.value));
      slider.setAttribute("aria-valuetext", lrBox.value);
    });
    const lrLabel = document.createElement("span");
    lrLabel.className = "field-name";
    lrLabel.textContent = "Learning rate (lr)";
    lrRow.append(lrLabel, slider, lrBox);
    card.append(lrRow);

    // Hyperparameters under torch's names.
    const grid = document.createElement("div");
    grid.className = "hyper";
    for (const h of def.hyper) {
      const path = `optimizers[${i}].${h.name}`;
      const value = o[h.name];
      if (h.kind === "flag") {
        const box = document.createElement("input");
        box.type = "checkbox";
        box.checked = value;
        box.addEventListener("change", () => {
          if (edit(() => app.set(path, box.checked), box)) drawDynamic();
          else box.checked = !box.checked;
        });
        grid.append(field(h.name, box, h.doc));
      } else if (h.kind === "pair") {
        const a = numberInput(value[0], (x) => app.set(path, [x, app.experiment().optimizers[i][h.name][1]]), `${name} › ${h.name}[0]`);
        const b = numberInput(value[1], (x) => app.set(path, [app.experiment().optimizers[i][h.name][0], x]), `${name} › ${h.name}[1]`);
        grid.append(field(`${h.name} β₁`, a, `${h.doc} (${h.range.text})`), field(`${h.name} β₂`, b, `${h.doc} (${h.range.text})`));
      } else {
        grid.append(field(h.name, numberInput(value, (x) => app.set(path, x), `${name} › ${h.name}`), `${h.doc} (${h.range.text})`));
      }
    }
    const maximize = document.createElement("input");
    maximize.type = "checkbox";
    maximize.checked = o.maximize === true;
    maximize.addEventListener("change", () => {
      if (edit(() => app.set(`optimizers[${i}].maximize`, maximize.checked ? true : null), maximize)) drawDynamic();
      else maximize.checked = !maximize.checked;
    });
    grid.append(field("maximize", maximize, "climb the surface: torch's maximize flips the gradient's sign"));
    card.append(grid);

    // Gradient clipping.
    const clipRow = document.createElement("div");
    clipRow.className = "pair";
    const clipKind = document.createElement("select");
    clipKind.add(new Option("none", ""));
    clipKind.add(new Option("by value", "clip_value"));
    clipKind.add(new Option("by norm", "max_norm"));
    const currentClip = o.clip ? Object.keys(o.clip)[0] : "";
    clipKind.value = currentClip;
    const clipValue = numberInput(o.clip ? o.clip[currentClip] : 1, (x) => app.set(`optimizers[${i}].clip`, { [clipKind.value]: x }), `${name} › clip`);
    clipValue.disabled = !currentClip;
    clipValue.setAttribute("aria-label", "Clip threshold");
    clipKind.addEventListener("change", () => {
      const k = clipKind.value;
      clipValue.disabled = !k;
      if (edit(() => app.set(`optimizers[${i}].clip`, k ? { [k]: Number(clipValue.value) || 1 } : null), clipKind)) drawDynamic();
    });
    clipRow.append(field("Gradient clipping", clipKind), field("Threshold", clipValue));
    card.append(clipRow);

    // Learning-rate schedule.
    const schedRow = document.createElement("div");
    schedRow.className = "schedule";
    const schedKind = document.createElement("select");
    schedKind.add(new Option("constant", ""));
    for (const s of cat.schedules) schedKind.add(new Option(s.title, s.name));
    schedKind.value = o.schedule ? o.schedule.name : "";
    const schedKeys = document.createElement("div");
    schedKeys.className = "hyper";
    const fillKeys = () => {
      schedKeys.replaceChildren();
      const cur = app.experiment().optimizers[i].schedule;
      if (!cur) return;
      const spec = cat.schedules.find((s) => s.name === cur.name);
      for (const [k] of spec.keys) {
        schedKeys.append(field(k, numberInput(cur[k], (x) => app.set(`optimizers[${i}].schedule.${k}`, x), `${name} › schedule ${k}`)));
      }
    };
    schedKind.addEventListener("change", () => {
      const spec = cat.schedules.find((s) => s.name === schedKind.value);
      const value = spec ? Object.fromEntries([["name", spec.name], ...spec.keys]) : null;
      if (edit(() => app.set(`optimizers[${i}].schedule`, value), schedKind)) {
        fillKeys();
        drawDynamic();
      }
    });
    schedRow.append(field("Learning-rate schedule", schedKind), schedKeys);
    card.append(schedRow);
    fillKeys();

    // Its own sampling, where it differs from the experiment's.
    const own = document.createElement("div");
    own.className = "hyper";
    const isModel = !!cat.functions.find((f) => f.name === app.experiment().function.name).model;
    if (isModel) {
      own.append(field("own batch size", optionalInput(o.batch_size, `optimizers[${i}].batch_size`, `${name} › batch size`, "shared"), "rows per gradient for this optimizer only: a number or full"));
    } else {
      own.append(field("own noise σ", optionalInput(o.grad_noise, `optimizers[${i}].grad_noise`, `${name} › noise`, "shared"), "gradient noise for this optimizer only"));
    }
    own.append(field("own accumulate", optionalInput(o.accumulate, `optimizers[${i}].accumulate`, `${name} › accumulate`, "shared"), "micro-batches per update for this optimizer only"));
    card.append(own);

    // The update rule, from the optimizer's own definition.
    const rule = document.createElement("details");
    rule.className = "rule";
    const summary = document.createElement("summary");
    summary.textContent = "Update rule";
    rule.append(summary);
    const ol = document.createElement("ol");
    for (const line of def.rule) {
      const li = document.createElement("li");
      li.innerHTML = line;
      ol.append(li);
    }
    rule.append(ol);
    card.append(rule);

    const status = document.createElement("p");
    status.className = "status";
    status.dataset.status = i;
    card.append(status);
    card.style.setProperty("--path", app.color(i));
    return card;
  }

  // `q`: the current query, when the caller has it already.
  function showScenario(q = linkQuery()) {
    const s = cat.scenarios.find((s) => s.query === q);
    scenarioSelect.value = s ? s.id : "";
    $("lesson").textContent = s ? s.lesson : "";
  }
  function rebuild() {
    buildSurface();
    buildGradients();
    buildOptimizers();
    showScenario();
    syncPanels();
  }

  // ------------------------------------------------------------ controls

  fnSelect.addEventListener("change", () => {
    if (edit(() => app.setFunction(fnSelect.value), fnSelect)) {
      app.step = app.maxStep();
      rebuild();
      drawAll();
    }
  });
  for (const [id, idx] of [["start-x", 0], ["start-y", 1]]) {
    $(id).addEventListener("change", () => {
      const input = $(id);
      const ok = edit(() => {
        const s = app.experiment().start;
        s[idx] = numberFrom(input, `Start ${idx ? "y" : "x"}`);
        app.set("start", s);
      }, input);
      if (ok) drawDynamic();
    });
  }
  $("steps").addEventListener("change", () => {
    const input = $("steps");
    if (edit(() => app.set("steps", numberFrom(input, "Steps")), input)) {
      app.step = app.maxStep();
      drawDynamic();
    }
  });
  $("add").addEventListener("click", () => {
    if (edit(() => app.addOptimizer(addSelect.value))) {
      buildOptimizers();
      drawDynamic();
    }
  });
  scenarioSelect.addEventListener("change", () => {
    if (!scenarioSelect.value) return;
    if (edit(() => app.loadScenario(scenarioSelect.value))) {
      app.step = app.maxStep();
      rebuild();
      drawAll();
    }
  });

  // ------------------------------------------------------------ playback

  function frame(t) {
    if (!playing) return;
    const speed = Number($("speed").value); // steps per second
    carry += ((t - (lastFrame || t)) / 1000) * speed;
    lastFrame = t;
    const n = Math.floor(carry);
    if (n > 0) {
      carry -= n;
      app.step = app.step + n;
      drawDynamic();
    }
    if (app.step >= app.maxStep()) {
      playing = false;
      renderStatus();
      return;
    }
    requestAnimationFrame(frame);
  }
  function play() {
    if (playing) { playing = false; renderStatus(); return; }
    if (app.step >= app.maxStep()) app.step = 0;
    playing = true;
    lastFrame = 0;
    carry = 0;
    drawDynamic();
    requestAnimationFrame(frame);
  }
  function stepOnce() {
    playing = false;
    app.step = app.step + 1;
    drawDynamic();
  }
  function reset() {
    playing = false;
    app.step = 0;
    drawDynamic();
  }
  $("play").addEventListener("click", play);
  $("step").addEventListener("click", stepOnce);
  $("reset").addEventListener("click", reset);
  $("complete").addEventListener("click", () => { playing = false; app.step = app.maxStep(); drawDynamic(); });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t instanceof Element && t.closest("input, select, textarea, summary, a, [contenteditable]")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " " && !(t instanceof HTMLButtonElement)) { e.preventDefault(); play(); }
    else if (e.key === "ArrowRight") { e.preventDefault(); stepOnce(); }
    else if (e.key === "r" || e.key === "R") { reset(); }
  });

  // ------------------------------------------------------------ the plot

  const plot = $("paths");
  let drag = null; // {mode: "start" | "pan" | "click", x, y}
  // One redraw per animation frame; a surface redraw includes the paths.
  let pending = null;
  const schedule = (fn) => {
    if (pending) {
      if (fn !== drawDynamic) pending = fn;
      return;
    }
    pending = fn;
    requestAnimationFrame(() => { const f = pending; pending = null; f(); });
  };
  const local = (e) => {
    const r = plot.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  plot.addEventListener("pointerdown", (e) => {
    // The main button of one pointer; a second finger or a right click does nothing.
    if (e.button !== 0 || !e.isPrimary || drag) return;
    const [x, y] = local(e);
    plot.setPointerCapture(e.pointerId);
    drag = { mode: app.nearStart(x, y) ? "start" : "click", x, y, id: e.pointerId };
  });
  const endDrag = () => { drag = null; };
  plot.addEventListener("pointercancel", endDrag);
  plot.addEventListener("lostpointercapture", (e) => { if (drag && e.pointerId === drag.id && drag.mode !== "click") endDrag(); });
  plot.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const [x, y] = local(e);
    if (drag.mode === "click" && Math.hypot(x - drag.x, y - drag.y) > 4) drag.mode = "pan";
    if (drag.mode === "start") {
      const p = app.pick(x, y);
      if (p && edit(() => app.moveStart(p[0], p[1]))) schedule(drawDynamic);
    } else if (drag.mode === "pan") {
      const dx = x - drag.x;
      const dy = y - drag.y;
      drag.x = x;
      drag.y = y;
      if (edit(() => app.pan(dx, dy))) schedule(() => drawAll(true));
    }
  });
  plot.addEventListener("pointerup", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const [x, y] = local(e);
    if (drag.mode === "click") {
      const p = app.pick(x, y);
      if (p && edit(() => app.moveStart(p[0], p[1]))) drawDynamic();
    }
    if (drag.mode !== "click") syncUrl();
    $("start-x").value = app.experiment().start[0];
    $("start-y").value = app.experiment().start[1];
    drag = null;
  });
  plot.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = local(e);
    if (edit(() => app.zoom(x, y, Math.pow(1.0015, e.deltaY)))) schedule(() => drawAll(true));
  }, { passive: false });
  $("reset-view").addEventListener("click", () => {
    app.resetView();
    syncUrl();
    drawAll();
  });

  // ------------------------------------------------------------ sizing, theme

  const dark = matchMedia("(prefers-color-scheme: dark)");
  let laidOut = "";
  // Sizes the canvases to their boxes; true when anything changed.
  function measure(force = false) {
    // The stylesheet sizes both boxes (so nothing shifts when they are drawn).
    const wrap = $("plot");
    const w = Math.max(200, Math.floor(wrap.clientWidth));
    const h = Math.max(150, Math.floor(wrap.clientHeight));
    const chart = $("chart");
    const cw = Math.max(200, Math.floor(chart.clientWidth));
    const ch = Math.max(100, Math.floor(chart.clientHeight));
    const data = $("data");
    const dw = Math.max(200, Math.floor(data.clientWidth));
    const dh = Math.max(100, Math.floor(data.clientHeight));
    const key = `${w}x${h} ${cw}x${ch} ${dw}x${dh} ${devicePixelRatio} ${dark.matches}`;
    if (key === laidOut && !force) return false;
    laidOut = key;
    app.setDark(dark.matches);
    app.resize([w, h, cw, ch, dw, dh], devicePixelRatio || 1);
    return true;
  }
  function layout(force = false) {
    if (measure(force)) drawAll(true);
  }
  dark.addEventListener("change", () => layout());
  let resizeTimer = 0;
  const resizer = new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => layout(), 60);
  });
  resizer.observe($("plot"));
  resizer.observe($("data-figure"));

  // ------------------------------------------------------------ share, embed, downloads

  async function copy(text, done) {
    try {
      await navigator.clipboard.writeText(text);
      notice(done);
    } catch {
      prompt("Copy this:", text);
    }
  }
  // A link that cannot carry the experiment says why instead.
  function linkOrSay() {
    const q = linkQuery();
    if (q === null) showError(`This experiment cannot be shared as a link: ${app.info().link}`);
    return q;
  }
  $("share").addEventListener("click", () => {
    const q = linkOrSay();
    if (q !== null) copy(`${location.origin}${location.pathname}?${q}`, "Link copied");
  });
  $("embed-button").addEventListener("click", () => {
    const q = linkOrSay();
    if (q === null) return;
    const src = `${location.origin}${location.pathname}?${q}&embed=1`;
    copy(`<iframe src="${src.replace(/&/g, "&amp;")}" width="760" height="640" style="border:0" title="optiviz: optimizer paths" loading="lazy"></iframe>`, "Embed code copied");
  });
  function download(name, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  $("download-png").addEventListener("click", () => {
    const s = $("surface");
    const c = document.createElement("canvas");
    c.width = s.width;
    c.height = s.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(s, 0, 0);
    ctx.drawImage($("paths"), 0, 0);
    c.toBlob((b) => download("optiviz.png", b));
  });
  $("download-csv").addEventListener("click", () => download("optiviz.csv", new Blob([app.csv()], { type: "text/csv" })));
  $("download-json").addEventListener("click", () => download("optiviz.json", new Blob([app.json()], { type: "application/json" })));
  $("save").addEventListener("click", () => download("experiment.json", new Blob([app.experimentJson()], { type: "application/json" })));
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", async () => {
    const file = $("open-file").files[0];
    $("open-file").value = "";
    if (!file) return;
    let obj;
    try {
      obj = JSON.parse(await file.text());
    } catch (e) {
      showError(`${file.name} is not a JSON file: ${e.message}`);
      return;
    }
    const result = api.setExperiment(obj);
    if (result.ok) notice(`Opened ${file.name}`);
    else showError(`${file.name}: ${result.error}`);
  });

  // ------------------------------------------------------------ the JavaScript API

  // Published as window.optiviz once the page is ready (see the end of start()).
  const api = {
    /** The experiment as a plain object: the JSON `optiviz run` reads. */
    getExperiment: () => app.experiment(),
    /** Validates and loads an experiment. Returns {ok: true} or {ok: false, error}; the error is also shown on the page. */
    setExperiment(obj) {
      try {
        app.setExperiment(obj);
      } catch (e) {
        // The error's path is into `obj`, so it is shown as it is.
        showError(`setExperiment: ${e}`);
        return { ok: false, error: String(e) };
      }
      clearError();
      app.step = app.maxStep();
      rebuild();
      drawAll();
      syncUrl();
      return { ok: true };
    },
    /** The trajectories, as `optiviz run` prints them: {runs: [...]}. */
    getRuns: () => app.runs(),
    /** The link that reproduces the current picture; null when a pasted dataset is too large for one. */
    getLink: () => {
      const q = linkQuery();
      return q === null ? null : `${location.origin}${location.pathname}?${q}`;
    },
    play: () => { if (!playing) play(); },
    pause: () => { playing = false; renderStatus(); },
  };

  // ------------------------------------------------------------ first frame

  const query = location.search.replace(/^\?/, "");
  const hasExperiment = query.split("&").some((p) => p && !/^(embed|play|speed)=/.test(p));
  if (hasExperiment) {
    try {
      app.loadQuery(query);
    } catch (e) {
      showError(`This link could not be loaded, so the default experiment is shown. ${friendly(e)}`);
    }
  }
  // The plot first, then the controls, a piece per task, so that the page
  // answers input in between.
  const nextTask = () => new Promise((done) => setTimeout(done, 0));
  app.step = app.maxStep();
  (async () => {
    info = app.info();
    $("data-figure").hidden = !info.model;
    measure(true);
    app.drawSurface(true);
    await nextTask();
    drawDynamic();
    performance.mark("optiviz-drawn");
    // The first complete frame is painted by the next animation frame.
    requestAnimationFrame(() => performance.mark("optiviz-first-frame"));
    refine(refining);
    await nextTask();
    fillPickers();
    await nextTask();
    buildSurface();
    buildGradients();
    showScenario();
    syncPanels();
    const box = $("optimizers");
    box.replaceChildren();
    const gen = ++buildGen;
    for (const [i, o] of app.experiment().optimizers.entries()) {
      await nextTask();
      if (gen !== buildGen) break; // an edit rebuilt the cards meanwhile
      box.append(optimizerCard(o, i));
    }
    renderStatus();
    window.optiviz = api;
    performance.mark("optiviz-controls");
    if (!hasExperiment || $("message").hidden) writeUrl();
    document.body.classList.add("ready");
    window.dispatchEvent(new CustomEvent("optiviz-ready"));
  })();
}

if (window.wasmBindings) start(window.wasmBindings);
else addEventListener("TrunkApplicationStarted", () => start(window.wasmBindings), { once: true });
