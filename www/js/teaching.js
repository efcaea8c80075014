// What a teacher's link sets for the reader: hide=controls,chart,data,
// legend,buttons hides those parts of the page (the plot and its playback
// always stay). The link's value is checked, a bad name said with what is
// allowed, the rest applied; Share and Embed carry it on.

// The parts a link may hide: the settings beside the plot, the chart under
// it, the data or network panel, the legend with each optimizer's status,
// and the share, export, save and open buttons.
const PARTS = ["controls", "chart", "data", "legend", "buttons"];

export function build() {
  let hidden = [];

  /** Applies hide= from a link; returns a problem for the link's list, or null. */
  function applyLink(value) {
    const v = value("hide");
    if (v === null) return null;
    const names = v.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !PARTS.includes(n));
    hidden = [...new Set(names.filter((n) => PARTS.includes(n)))];
    // The settings gone, the plot takes their room (the first frame
    // measures the plot after this).
    for (const part of PARTS) document.body.classList.toggle(`hide-${part}`, hidden.includes(part));
    if (!unknown.length) return null;
    return `hide: ${unknown.map((n) => `'${n}'`).join(", ")} ${unknown.length > 1 ? "are not parts" : "is not a part"} of the page; allowed: ${PARTS.join(", ")}`;
  }

  /** The link's part for what is hidden. */
  const pageQuery = () => (hidden.length ? `&hide=${hidden.join(",")}` : "");

  return { applyLink, pageQuery };
}
