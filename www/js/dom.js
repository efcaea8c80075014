// The one DOM helper every module shares: an element by its id.

export const $ = (id) => document.getElementById(id);
