/* The ballot shows no formulas, yet Voilà 0.5 starts a LaTeX typesetter on every page
   (MathJax 3: ~880 KB fetched and run before the widgets appear). The residents' server points
   Voilà's MathJax 2 typesetter here instead (werkboek/serving/voila_patches/apps.py:
   NO_MATHJAX), and this stand-in takes its calls and does nothing. */
window.MathJax = {
  Hub: {Config() {}, Configured() {}, Queue() {}, Register: {StartupHook() {}}},
  Ajax: {},
  InputJax: {TeX: {resetEquationNumbers() {}}},
};
