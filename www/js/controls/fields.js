// Form pieces the settings cards share: a labelled field, number boxes that
// commit through edit(), reading a number out of a box, a random seed.

export function field(labelText, input, doc) {
  const label = document.createElement("label");
  label.className = "field";
  label.append(labelText, input);
  if (doc) label.title = doc;
  return label;
}

export function numberFrom(input, what) {
  const text = input.value.trim();
  const x = Number(text);
  if (text === "" || !Number.isFinite(x)) {
    throw `${what}: "${input.value}" is not a number`;
  }
  return x;
}

export function numberInput(ctx, value, onCommit, what) {
  const input = document.createElement("input");
  input.type = "number";
  input.step = "any";
  input.inputMode = "decimal";
  input.value = value;
  input.addEventListener("change", () => {
    if (ctx.edit(() => onCommit(numberFrom(input, what)), input)) ctx.draw.dynamic();
  });
  return input;
}

// A number field whose empty value removes the key (an unset rule or override).
export function optionalInput(ctx, value, path, what, placeholder = "off", redraw = () => ctx.draw.dynamic()) {
  const { app } = ctx;
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.placeholder = placeholder;
  input.value = value ?? "";
  input.addEventListener("change", () => {
    const text = input.value.trim();
    const ok = ctx.edit(() => {
      if (text === "") app.set(path, null);
      else if (text === "full") app.set(path, "full");
      else app.set(path, numberFrom(input, what));
    }, input);
    if (ok) redraw();
  });
  return input;
}

export const randomSeed = () => Math.floor(Math.random() * 1e6);
