// @ts-check
// What a teacher's link sets for the reader: hide=controls,chart,data,
// legend,buttons hides those parts of the page (the settings beside the
// plot, the chart under it, the data or network panel, the legend with each
// optimizer's status, and the share, export, save and open buttons; the
// plot and its playback always stay). The engine checks the names against
// its table of link keys; Share and Embed carry them on.

export function build() {
  let hidden = [];

  /** Applies a link's hide= (the engine checked its names). */
  function applyLink(page) {
    hidden = page.hide ?? [];
    // The settings gone, the plot takes their room (the first frame
    // measures the plot after this).
    for (const part of hidden) document.body.classList.add(`hide-${part}`);
  }

  /** The link's part for what is hidden. */
  const pageQuery = () => (hidden.length ? `&hide=${hidden.join(",")}` : "");

  return { applyLink, pageQuery };
}
