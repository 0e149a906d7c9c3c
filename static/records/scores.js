// 当次成绩查询: the 打印 button (no inline scripts under the CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
