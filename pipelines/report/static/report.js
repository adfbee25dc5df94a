(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  // "overview": quality_report.html, documents without their findings; "document": one
  // document's page (DOCS holds it alone, F its findings, PG its page images).
  var MODE = D.mode || "overview";
  var FOLDER = "quality_report_documents/";
  // v: review (需人工核对), a finding resting on a cell read with doubt: never an error.
  var SEV = { e: "错误", v: "需人工核对", r: "尾数误差", i: "提示" };
  var SEV_RANK = { e: 0, v: 1, r: 2, i: 3 };
  var SEV_KEY = { error: "e", review: "v", rounding: "r", info: "i" };
  var SEV_NAME = { e: "error", v: "review", r: "rounding", i: "info" };
  var SEV_ALIAS = { "错误": "error", "需人工核对": "review", "尾数误差": "rounding",
    "提示": "info" };
  var ST = { loaded: "已入库", rejected: "已拒收", superseded: "已被替代",
    missing: "未报送", unknown: "未知" };
  var ST_CLS = { loaded: "b-ok", rejected: "b-err", superseded: "b-muted",
    missing: "b-miss", unknown: "b-muted" };
  var COV = D.cov === "registry"
    ? { expected: ["应报已报", "b-ok"], expected_missing: ["应报未报", "b-miss"],
      unregistered: ["名册外", "b-muted"] }
    : { expected: ["已报送", "b-ok"], expected_missing: ["缺报", "b-miss"] };
  var CONCL = { "有错误": "b-err", "需人工核对": "b-rev", "仅尾数误差": "b-rnd", "通过": "b-ok",
    "未报送": "b-miss", "未检查": "b-muted" };
  var COLL = window.Intl && Intl.Collator ? new Intl.Collator("zh-CN", { numeric: true }) : null;
  var U = D.units, DOCS = D.docs, F = D.f, CHECKS = D.checks, TABLES = D.tables;
  // Column positions in the compact arrays of the data island.
  var FD = 0, FC = 1, FT = 2, FP = 3, FL = 4, FE = 5, FO = 6, FDIFF = 7, FTOL = 8,
    FS = 9, FM = 10, FMEAS = 11, FCMP = 12, FID = 13, FBOX = 14;
  // A dismissed finding (D.x): a finding's positions, then the reviewer's reason and time.
  var XREASON = 15, XAT = 16, XBY = 17;
  var DID = 0, DFILE = 1, DU = 2, DY = 3, DST = 4, DREASON = 5, DPAGES = 6, DING = 7,
    DN = 8, DOK = 9, DE = 10, DR = 11, DI = 12, DAT = 13, DV = 14, DX = 15, DPAGE = 16,
    DKW = 17, DKIND = 18, DINF = 19;
  var PG = D.pg || {}, X = D.x || [];

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }
  function fmt(v) {
    if (v === null || v === undefined || v === "") return "";
    if (typeof v === "number") {
      return v.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 6 });
    }
    return String(v);
  }
  function cmp(a, b, dir) {
    var an = a === null || a === undefined || a === "", bn = b === null || b === undefined || b === "";
    if (an || bn) return an === bn ? 0 : (an ? 1 : -1);
    var r;
    if (typeof a === "number" && typeof b === "number") r = a - b;
    else r = COLL ? COLL.compare(String(a), String(b)) : (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
    return dir * r;
  }
  // Headers that sort and cards that fold answer the keyboard too.
  function keyClick(node) {
    node.tabIndex = 0;
    node.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); node.click(); }
    });
  }
  function unitName(u) { return u >= 0 ? U[u][0] : "（单位不明）"; }
  function badge(text, cls) { return el("span", "badge " + cls, text); }
  function docAnchor(d) { return "doc-" + DOCS[d][DID].slice(0, 12); }

  // ---- a finding's page: the rendered page, its box outlined ----
  // Boxes are PDF points (origin bottom-left); the image covers [left, bottom, width, height].
  var BOX_PAD = 2;
  function pageView(f) {
    var wrap = el("div"), img = PG[f[FD] + ":" + f[FP]];
    if (!img) {
      wrap.appendChild(el("div", "pagenote", "原文页面不可用：文件已不在收件箱，或已被更换。"));
      return wrap;
    }
    var fig = el("div", "pageview");
    var pic = el("img");
    pic.src = img[0];
    pic.alt = "第 " + f[FP] + " 页";
    fig.appendChild(pic);
    var b = f[FBOX];
    if (b) {
      var left = img[1], bottom = img[2], w = img[3], h = img[4];
      var hl = el("div", "hl");
      hl.style.left = ((b[0] - BOX_PAD - left) / w * 100) + "%";
      hl.style.top = ((bottom + h - b[3] - BOX_PAD) / h * 100) + "%";
      hl.style.width = ((b[2] - b[0] + 2 * BOX_PAD) / w * 100) + "%";
      hl.style.height = ((b[3] - b[1] + 2 * BOX_PAD) / h * 100) + "%";
      hl.title = "所指位置";
      fig.appendChild(hl);
      pic.addEventListener("load", function () {
        if (hl.scrollIntoView) hl.scrollIntoView({ block: "center" });
      });
    }
    wrap.appendChild(fig);
    if (!b) wrap.appendChild(el("div", "pagenote", "此项没有具体位置（整表或整份文件的检查）。"));
    return wrap;
  }
  // The page cell: a button that opens the page below the finding's row.
  function pageCell(f, td, span) {
    if (!f[FP]) { td.textContent = "—"; return; }
    if (MODE === "overview") {
      // The page images are on the document's page.
      var a = el("a", "pg", "第 " + f[FP] + " 页");
      if (f[FD] >= 0) a.href = FOLDER + DOCS[f[FD]][DPAGE] + "#" + new URLSearchParams({ q: f[FID] || "" }).toString();
      td.appendChild(a);
      return;
    }
    var btn = el("button", "pg", "第 " + f[FP] + " 页");
    btn.type = "button";
    btn.title = "查看原文页面";
    btn.setAttribute("aria-expanded", "false");
    btn.addEventListener("click", function (ev) {
      ev.stopPropagation();
      var tr = td.parentNode, next = tr.nextSibling;
      if (next && next.classList.contains("pagerow")) {
        next.parentNode.removeChild(next);
        btn.setAttribute("aria-expanded", "false");
        return;
      }
      var row = el("tr", "pagerow"), cell = el("td");
      cell.colSpan = span;
      cell.appendChild(pageView(f));
      row.appendChild(cell);
      tr.parentNode.insertBefore(row, next);
      btn.setAttribute("aria-expanded", "true");
    });
    td.appendChild(btn);
  }

  // ---- state, kept in the URL hash ----
  var S = { q: "", sev: "", unit: "", year: "", old: false };
  function readHash() {
    var h = location.hash.replace(/^#/, "");
    if (h.indexOf("=") < 0) return false;
    var p = new URLSearchParams(h);
    S.q = p.get("q") || "";
    var sev = p.get("sev") || "";
    S.sev = SEV_KEY[sev] ? sev : SEV_ALIAS[sev] || "";
    S.unit = p.get("unit") || "";
    S.year = p.get("year") || "";
    S.old = p.get("old") === "1";
    return true;
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (S.q) p.set("q", S.q);
    if (S.sev) p.set("sev", S.sev);
    if (S.unit) p.set("unit", S.unit);
    if (S.year) p.set("year", S.year);
    if (S.old) p.set("old", "1");
    var s = p.toString();
    try {
      history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
    } catch (err) { /* some file:// contexts refuse; the view still works */ }
  }

  // ---- a small sortable table ----
  function sortable(host, cols, rows, opts) {
    opts = opts || {};
    var table = el("table", "grid"), thead = el("thead"), htr = el("tr"), tbody = el("tbody");
    var state = { k: -1, d: 1, page: 0 };
    cols.forEach(function (c, i) {
      var th = el("th", c.cls || "", c.t);
      th.title = "点击排序";
      keyClick(th);
      th.addEventListener("click", function () {
        state.d = state.k === i ? -state.d : (c.desc ? -1 : 1);
        state.k = i;
        Array.prototype.forEach.call(htr.children, function (x, j) {
          x.classList.toggle("asc", j === i && state.d > 0);
          x.classList.toggle("desc", j === i && state.d < 0);
        });
        draw();
      });
      htr.appendChild(th);
    });
    thead.appendChild(htr); table.appendChild(thead); table.appendChild(tbody);
    var wrap = el("div", "scroll"); wrap.appendChild(table); host.appendChild(wrap);
    function draw(keepPage) {
      if (!keepPage) state.page = 0;
      var list = rows.map(function (r, i) { return [r, i]; });
      if (opts.filter) list = list.filter(function (x) { return opts.filter(x[0]); });
      if (state.k >= 0) {
        var v = cols[state.k].v;
        list.sort(function (a, b) { return cmp(v(a[0]), v(b[0]), state.d) || a[1] - b[1]; });
      }
      tbody.textContent = "";
      var total = list.length;
      if (opts.onCount) opts.onCount(total);
      var pages = opts.pageSize ? Math.max(1, Math.ceil(total / opts.pageSize)) : 1;
      if (state.page >= pages) state.page = pages - 1;
      if (opts.pageSize) list = list.slice(state.page * opts.pageSize, (state.page + 1) * opts.pageSize);
      else if (opts.limit && total > opts.limit) list = list.slice(0, opts.limit);
      list.forEach(function (x) {
        var r = x[0], tr = el("tr", opts.rowCls ? opts.rowCls(r) : "");
        cols.forEach(function (c) {
          var td = el("td", c.cls || "");
          if (c.r) c.r(r, td); else td.textContent = fmtCell(c.v(r));
          tr.appendChild(td);
        });
        if (opts.onRow) {
          tr.classList.add("clickable");
          tr.addEventListener("click", function (ev) {
            if (ev.target.closest && ev.target.closest("a")) return;
            opts.onRow(r);
          });
        }
        tbody.appendChild(tr);
      });
      if (!list.length) {
        var tr = el("tr"), td = el("td", "empty", opts.empty || "无");
        td.colSpan = cols.length; tr.appendChild(td); tbody.appendChild(tr);
      } else if (opts.pageSize && pages > 1) {
        var pager = el("tr", "pager"), pcell = el("td");
        pcell.colSpan = cols.length;
        var prev = el("button", "", "上一页"), next = el("button", "", "下一页");
        prev.type = next.type = "button";
        prev.disabled = state.page === 0; next.disabled = state.page >= pages - 1;
        prev.addEventListener("click", function () { state.page--; draw(true); });
        next.addEventListener("click", function () { state.page++; draw(true); });
        pcell.appendChild(prev);
        pcell.appendChild(el("span", "pageno", " 第 " + (state.page + 1) + " / " + pages + " 页（共 " + total + " 行） "));
        pcell.appendChild(next);
        pager.appendChild(pcell); tbody.appendChild(pager);
      } else if (list.length < total) {
        var more = el("tr", "more-rows"),
          cell = el("td", "", "显示前 " + list.length + " 行，共 " + total + " 行；" + (opts.more || ""));
        cell.colSpan = cols.length; more.appendChild(cell); tbody.appendChild(more);
      }
    }
    draw();
    return { draw: draw };
  }
  function fmtCell(v) { return v === null || v === undefined ? "" : String(v); }
  function countCell(cls) {
    return function (v) {
      return function (r, td) {
        var n = v(r);
        td.textContent = n ? String(n) : "0";
        if (!n) td.classList.add("zero"); else if (cls) td.style.color = cls;
      };
    };
  }

  // ---- overview: unit × fiscal year ----
  function goto(params) {
    S.q = params.q || ""; S.sev = params.sev || ""; S.unit = params.unit || "";
    S.year = params.year ? String(params.year) : "";
    if (params.old) S.old = true;
    syncControls(); applyFilters(); writeHash();
    var t = $("documents"); if (t && t.scrollIntoView) t.scrollIntoView();
  }
  var OV = D.ov;
  var ovCols = [
    { t: "单位", v: function (r) { return U[r[0]][0]; }, r: function (r, td) {
      var a = el("a", "", U[r[0]][0]);
      a.href = "#" + new URLSearchParams({ unit: U[r[0]][0], year: String(r[1]) }).toString();
      td.appendChild(a);
      if (U[r[0]][2]) td.appendChild(el("span", "tt", " " + U[r[0]][2]));
    } },
    { t: "地区", v: function (r) { return U[r[0]][1]; }, cls: "nw" },
    { t: "年度", v: function (r) { return r[1]; }, cls: "nw" },
    { t: "类型", v: function (r) { return r[9]; }, cls: "nw" },
    { t: "文件状态", v: function (r) { return ST[r[2]] || r[2]; }, r: function (r, td) {
      td.appendChild(badge(ST[r[2]] || r[2], ST_CLS[r[2]] || "b-muted"));
      if (r[7].length > 1) td.appendChild(el("span", "tt", " 共 " + r[7].length + " 份"));
    } },
    { t: "检查结论", v: function (r) { return r[6]; }, r: function (r, td) {
      td.appendChild(badge(r[6], CONCL[r[6]] || "b-muted"));
    } },
    { t: "错误", v: function (r) { return r[3]; }, cls: "num", desc: true,
      r: countCell("#b42318")(function (r) { return r[3]; }) },
    { t: "需人工核对", v: function (r) { return r[8]; }, cls: "num", desc: true,
      r: countCell("#5b3ea8")(function (r) { return r[8]; }) },
    { t: "尾数误差", v: function (r) { return r[4]; }, cls: "num", desc: true,
      r: countCell("#93500d")(function (r) { return r[4]; }) }
  ];
  if (D.cov) {
    ovCols.push({ t: "覆盖情况", v: function (r) { return (COV[r[5]] || ["—"])[0]; },
      r: function (r, td) {
        var c = COV[r[5]];
        if (c) td.appendChild(badge(c[0], c[1])); else td.textContent = "—";
      } });
  }
  var PAGE_SIZE = 100;
  var overview = !$("overview") ? null : sortable($("overview"), ovCols, OV, {
    pageSize: PAGE_SIZE,
    rowCls: function (r) {
      var sel = (S.unit || S.year) && (!S.unit || U[r[0]][0] === S.unit) &&
        (!S.year || String(r[1]) === S.year);
      return (r[2] === "missing" ? "missing" : "") + (sel ? " sel" : "");
    },
    onRow: function (r) { goto({ unit: U[r[0]][0], year: r[1] }); },
    empty: "没有符合条件的单位与年度"
  });

  // ---- budget against final ----
  var BV = D.bv || { rows: [], sum: [], tp: [], states: {} };
  // Positions: a line (BV.rows), a unit-year (BV.sum), a 三公 item (BV.tp).
  var BU = 0, BY = 1, BSUBJ = 2, BFUND = 3, BTYPE = 4, BB = 5, BF = 6, BRATE = 7, BGAP = 8,
    BST = 9;
  // A line's subject (BV.subj[line[BSUBJ]]): code, name, its 类's code and name.
  var SUBJ = BV.subj || [];
  function subj(r) { return SUBJ[r[BSUBJ]] || [null, null, null, null]; }
  var SBL = 2, SFL = 3, SBT = 4, SFT = 5, SRATE = 6, SGAP = 7, SBOTH = 8, SONLYB = 9, SONLYF = 10;
  var TITEM = 2, TB = 3, TFB = 4, TF = 5, TRATE = 6, TGAP = 7, TRGAP = 8, TST = 9;
  function pct(v) {
    return typeof v === "number" ? (v * 100).toFixed(2) + "%" : "";
  }
  function gapCell(v) {
    return function (r, td) {
      var g = r[v];
      if (typeof g !== "number") return;
      td.textContent = (g > 0 ? "+" : "") + fmt(g);
      if (g > 0) td.classList.add("over"); else if (g < 0) td.classList.add("under");
    };
  }
  function stateCell(p) {
    return function (r, td) {
      if (r[p] !== "both") td.appendChild(badge(BV.states[r[p]] || r[p], "b-miss"));
    };
  }
  function byUnitYear(u, y) {
    return (!S.unit || (u >= 0 && U[u][0] === S.unit)) && (!S.year || String(y) === S.year);
  }
  function unitCell(r, td) {
    td.textContent = unitName(r[0]);
    if (r[0] >= 0 && U[r[0]][1]) td.appendChild(el("span", "tt", " " + U[r[0]][1]));
  }
  var budgetTables = [];
  if ($("budget-sum")) {
    budgetTables.push(sortable($("budget-sum"), [
      { t: "单位", v: function (r) { return unitName(r[BU]); }, r: unitCell },
      { t: "年度", v: function (r) { return r[BY]; }, cls: "nw" },
      { t: "预算文件", v: function (r) { return r[SBL] ? 1 : 0; }, r: function (r, td) {
        td.appendChild(r[SBL] ? badge("已载入", "b-ok") : badge("未载入", "b-miss"));
      } },
      { t: "决算文件", v: function (r) { return r[SFL] ? 1 : 0; }, r: function (r, td) {
        td.appendChild(r[SFL] ? badge("已载入", "b-ok") : badge("未载入", "b-miss"));
      } },
      { t: "预算数", v: function (r) { return r[SBT]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = fmt(r[SBT]); } },
      { t: "决算数", v: function (r) { return r[SFT]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = fmt(r[SFT]); } },
      { t: "执行率", v: function (r) { return r[SRATE]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = pct(r[SRATE]); } },
      { t: "差额", v: function (r) { return typeof r[SGAP] === "number" ? Math.abs(r[SGAP]) : null; },
        cls: "num", desc: true, r: gapCell(SGAP) },
      { t: "两方均列的科目", v: function (r) { return r[SBOTH]; }, cls: "num" },
      { t: "仅预算列", v: function (r) { return r[SONLYB]; }, cls: "num" },
      { t: "仅决算列", v: function (r) { return r[SONLYF]; }, cls: "num" }
    ], BV.sum, {
      filter: function (r) { return byUnitYear(r[BU], r[BY]); },
      empty: "没有符合筛选条件的单位与年度", pageSize: PAGE_SIZE
    }));
  }
  if ($("budget-rows")) {
    budgetTables.push(sortable($("budget-rows"), [
      { t: "单位", v: function (r) { return unitName(r[BU]); }, r: unitCell },
      { t: "年度", v: function (r) { return r[BY]; }, cls: "nw" },
      { t: "科目", v: function (r) { return subj(r)[0]; }, r: function (r, td) {
        var sj = subj(r);
        td.appendChild(el("span", "tid", sj[0] || ""));
        if (sj[1]) td.appendChild(el("span", "", " " + sj[1]));
        if (sj[3] && sj[2] !== sj[0]) td.appendChild(el("div", "tt", "类 " + (sj[2] || "") + " " + sj[3]));
      } },
      { t: "资金性质", v: function (r) { return r[BFUND]; }, cls: "nw" },
      { t: "支出类型", v: function (r) { return r[BTYPE]; }, cls: "nw" },
      { t: "预算数", v: function (r) { return r[BB]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = fmt(r[BB]); } },
      { t: "决算数", v: function (r) { return r[BF]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = fmt(r[BF]); } },
      { t: "执行率", v: function (r) { return r[BRATE]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = pct(r[BRATE]); } },
      { t: "差额（决算−预算）", v: function (r) {
        return typeof r[BGAP] === "number" ? Math.abs(r[BGAP]) : null; },
        cls: "num", desc: true, r: gapCell(BGAP) },
      { t: "对比情况", v: function (r) { return BV.states[r[BST]]; }, r: stateCell(BST) }
    ], BV.rows, {
      filter: function (r) { return byUnitYear(r[BU], r[BY]); },
      rowCls: function (r) { return "budget-line st-" + r[BST]; },
      empty: "没有符合筛选条件的科目", pageSize: PAGE_SIZE
    }));
  }
  if ($("budget-tp")) {
    budgetTables.push(sortable($("budget-tp"), [
      { t: "单位", v: function (r) { return unitName(r[BU]); }, r: unitCell },
      { t: "年度", v: function (r) { return r[BY]; }, cls: "nw" },
      { t: "项目", v: function (r) { return r[TITEM]; } },
      { t: "预算数（预算文件）", v: function (r) { return r[TB]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = fmt(r[TB]); } },
      { t: "预算数（决算所列）", v: function (r) { return r[TFB]; }, cls: "num", desc: true,
        r: function (r, td) {
          td.textContent = fmt(r[TFB]);
          if (typeof r[TRGAP] === "number" && r[TRGAP] !== 0) {
            td.appendChild(el("div", "tt", "与预算文件相差 " + (r[TRGAP] > 0 ? "+" : "") + fmt(r[TRGAP])));
            td.classList.add("over");
          }
        } },
      { t: "决算数", v: function (r) { return r[TF]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = fmt(r[TF]); } },
      { t: "执行率", v: function (r) { return r[TRATE]; }, cls: "num", desc: true,
        r: function (r, td) { td.textContent = pct(r[TRATE]); } },
      { t: "差额（决算−预算）", v: function (r) {
        return typeof r[TGAP] === "number" ? Math.abs(r[TGAP]) : null; },
        cls: "num", desc: true, r: gapCell(TGAP) },
      { t: "对比情况", v: function (r) { return BV.states[r[TST]]; }, r: stateCell(TST) }
    ], BV.tp, {
      filter: function (r) { return byUnitYear(r[BU], r[BY]); },
      empty: "没有符合筛选条件的“三公”经费", pageSize: PAGE_SIZE
    }));
  }

  // ---- rejected documents ----
  var rejected = [];
  DOCS.forEach(function (d, i) { if (d[DST] === "rejected") rejected.push(i); });
  if ($("rejected")) {
    sortable($("rejected"), [
      { t: "文件名", v: function (i) { return DOCS[i][DFILE]; } },
      { t: "单位", v: function (i) { return DOCS[i][DU] >= 0 ? unitName(DOCS[i][DU]) : ""; } },
      { t: "年度", v: function (i) { return DOCS[i][DY]; }, cls: "nw" },
      { t: "拒收原因", v: function (i) { return DOCS[i][DREASON]; } },
      { t: "入库时间", v: function (i) { return DOCS[i][DING]; }, cls: "nw" }
    ], rejected, { empty: "没有被拒收的文件" });
  }

  // ---- findings by check ----
  if ($("by-check")) {
    sortable($("by-check"), [
      { t: "检查项", v: function (r) { return CHECKS[r[0]][1]; }, r: function (r, td) {
        var a = el("a", "", CHECKS[r[0]][1]);
        a.href = "#" + new URLSearchParams({ q: CHECKS[r[0]][0] }).toString();
        td.appendChild(a);
        td.appendChild(el("div", "code", CHECKS[r[0]][0]));
      } },
      { t: "错误", v: function (r) { return r[1]; }, cls: "num", desc: true,
        r: countCell("#b42318")(function (r) { return r[1]; }) },
      { t: "需人工核对", v: function (r) { return r[4]; }, cls: "num", desc: true,
        r: countCell("#5b3ea8")(function (r) { return r[4]; }) },
      { t: "尾数误差", v: function (r) { return r[2]; }, cls: "num", desc: true,
        r: countCell("#93500d")(function (r) { return r[2]; }) },
      { t: "涉及文件", v: function (r) { return r[3]; }, cls: "num", desc: true }
    ], D.cs, { empty: "没有发现问题" });
  }

  // ---- dismissed findings (已排除) ----
  if ($("dismissed")) {
    var XCOLS = [
      { t: "单位", v: function (f) { return f[FD] >= 0 ? unitName(DOCS[f[FD]][DU]) : ""; } },
      { t: "年度", v: function (f) { return f[FD] >= 0 ? DOCS[f[FD]][DY] : ""; }, cls: "nw" },
      { t: "检查项", v: function (f) { return CHECKS[f[FC]][1]; } },
      { t: "位置", v: function (f) {
        return [f[FT] || "文字说明", f[FL] || "", f[FMEAS] ? "（" + f[FMEAS] + "）" : ""].join(" ");
      } },
      { t: "说明", v: function (f) { return f[FM]; } },
      { t: "排除理由", v: function (f) { return f[XREASON]; } },
      { t: "排除时间", v: function (f) { return f[XAT]; }, cls: "nw" },
      { t: "编号", v: function (f) { return f[FID]; }, r: function (f, td) {
        td.appendChild(el("span", "fid", f[FID]));
      } },
      { t: "页码", v: function (f) { return f[FP]; }, cls: "page", r: function (f, td) {
        pageCell(f, td, XCOLS.length);
      } }
    ];
    sortable($("dismissed"), XCOLS, X, {
      rowCls: function () { return "dismissed"; }, empty: "没有已排除的发现"
    });
  }

  // ---- findings per document ----
  var hay = F.map(function (f) {
    var d = f[FD] >= 0 ? DOCS[f[FD]] : null;
    return [
      d ? unitName(d[DU]) : "", d ? d[DFILE] : "", d ? d[DY] : "", f[FT] || "",
      TABLES[f[FT]] || "", f[FL] || "", CHECKS[f[FC]][0], CHECKS[f[FC]][1], f[FM] || "",
      f[FMEAS] || "", f[FCMP] || "", TABLES[f[FCMP]] || "",
      SEV[f[FS]], f[FP] ? "第" + f[FP] + "页 第 " + f[FP] + " 页" : "",
      fmt(f[FE]), fmt(f[FO]), fmt(f[FDIFF]), f[FE], f[FO], f[FDIFF], f[FID] || ""
    ].join(" ").toLowerCase();
  });
  var byDoc = {};
  F.forEach(function (f, i) { (byDoc[f[FD]] = byDoc[f[FD]] || []).push(i); });
  var FCOLS = [
    { k: "sev", t: "严重程度", w: 92, v: function (f) { return SEV_RANK[f[FS]]; } },
    { k: "tbl", t: "表", w: 160, v: function (f) { return f[FT]; } },
    { k: "loc", t: "位置", w: 124, v: function (f) { return f[FL]; } },
    { k: "exp", t: "预期值", w: 112, v: function (f) { return f[FE]; }, cls: "num" },
    { k: "obs", t: "实际值", w: 112, v: function (f) { return f[FO]; }, cls: "num" },
    { k: "diff", t: "差额", w: 100, v: function (f) {
      return typeof f[FDIFF] === "number" ? Math.abs(f[FDIFF]) : f[FDIFF]; }, cls: "num", desc: true },
    { k: "tol", t: "容差", w: 78, v: function (f) { return f[FTOL]; }, cls: "num" },
    { k: "page", t: "页码", w: 82, v: function (f) { return f[FP]; } },
    { k: "msg", t: "检查项与说明", v: function (f) { return CHECKS[f[FC]][1]; } }
  ];
  var FS_ = { k: -1, d: 1 };
  var cards = [];
  var host = $("docs");
  var docOrder = [];
  if (host) {
    DOCS.forEach(function (d, i) {
      if (d[DST] !== "rejected" || byDoc[i]) docOrder.push(i);
    });
    if (byDoc[-1]) docOrder.push(-1);
  }

  function findingRow(i) {
    var f = F[i], tr = el("tr", "finding sev-" + f[FS]);
    tr.setAttribute("data-severity", SEV_NAME[f[FS]]);
    var td = el("td"); td.appendChild(el("span", "pill " + f[FS], SEV[f[FS]])); tr.appendChild(td);
    td = el("td");
    if (f[FT]) {
      td.appendChild(el("span", "tid", f[FT]));
      if (TABLES[f[FT]]) { td.appendChild(el("br")); td.appendChild(el("span", "tt", TABLES[f[FT]])); }
    } else {
      // No table: a narrative figure (compared with a table) or the whole document.
      td.appendChild(el("span", f[FCMP] ? "tid" : "tt", f[FCMP] ? "文字说明" : "整份文件"));
    }
    if (f[FCMP]) {
      td.appendChild(el("div", "tt", "对照 " + f[FCMP] + (TABLES[f[FCMP]] ? " " + TABLES[f[FCMP]] : "")));
    }
    tr.appendChild(td);
    td = el("td", "loc", f[FL] || (f[FMEAS] ? "" : "整表"));
    if (f[FMEAS]) td.appendChild(el("div", "tt", "列：" + f[FMEAS]));
    tr.appendChild(td);
    tr.appendChild(el("td", "num", fmt(f[FE])));
    tr.appendChild(el("td", "num", fmt(f[FO])));
    tr.appendChild(el("td", "num diff", fmt(f[FDIFF])));
    tr.appendChild(el("td", "num", typeof f[FTOL] === "number" ? "±" + fmt(f[FTOL]) : fmt(f[FTOL])));
    td = el("td", "page");
    pageCell(f, td, FCOLS.length);
    tr.appendChild(td);
    td = el("td", "msg");
    td.appendChild(el("div", "ct", CHECKS[f[FC]][1]));
    if (f[FM]) td.appendChild(el("div", "", f[FM]));
    if (f[FID]) td.appendChild(el("div", "fid", "编号 " + f[FID]));
    tr.appendChild(td);
    return tr;
  }

  function buildCard(di) {
    var d = di >= 0 ? DOCS[di] : null;
    var art = el("article", "doc");
    art.id = d ? docAnchor(di) : "doc-none";
    var h = el("header");
    var tog = el("span", "tog", "▾");
    h.appendChild(tog);
    h.appendChild(el("span", "unit", d ? unitName(d[DU]) : "未关联到文件的问题"));
    if (d && d[DY] !== null) h.appendChild(el("span", "yr", d[DY] + " 年度"));
    if (d) {
      h.appendChild(badge(ST[d[DST]] || d[DST], ST_CLS[d[DST]] || "b-muted"));
      art.classList.add("st-" + d[DST]);
    }
    var counts = el("span", "counts");
    h.appendChild(counts);
    if (d) {
      var meta = ["文件 " + d[DFILE]];
      if (d[DPAGES]) meta.push("共 " + d[DPAGES] + " 页");
      if (d[DN]) meta.push("检查 " + d[DN] + " 条，通过 " + d[DOK] + " 条");
      else if (d[DST] === "loaded") meta.push("尚未检查");
      if (d[DAT]) meta.push("检查时间 " + d[DAT]);
      if (d[DX]) meta.push("已排除 " + d[DX] + " 处（见“已排除”）");
      h.appendChild(el("span", "meta", meta.join(" · ")));
    }
    art.appendChild(h);
    var body = el("div", "body");
    if (d && d[DST] === "superseded" && d[DREASON]) body.appendChild(el("div", "reason", d[DREASON]));
    var list = byDoc[di] || [];
    var tbody = null;
    if (list.length) {
      var table = el("table", "grid findings"), thead = el("thead"), htr = el("tr");
      var cg = el("colgroup");
      FCOLS.forEach(function (c) { var col = el("col"); if (c.w) col.style.width = c.w + "px"; cg.appendChild(col); });
      table.appendChild(cg);
      FCOLS.forEach(function (c, ci) {
        var th = el("th", c.cls || "", c.t);
        th.setAttribute("data-key", c.k);
        th.title = "点击排序（所有文件一起）";
        keyClick(th);
        th.addEventListener("click", function () {
          FS_.d = FS_.k === ci ? -FS_.d : (c.desc ? -1 : 1);
          FS_.k = ci;
          applyFilters();
        });
        htr.appendChild(th);
      });
      thead.appendChild(htr); table.appendChild(thead);
      tbody = el("tbody"); table.appendChild(tbody);
      var wrap = el("div", "scroll"); wrap.appendChild(table); body.appendChild(wrap);
      var e = 0, v = 0, r = 0;
      list.forEach(function (i) {
        if (F[i][FS] === "e") e++; else if (F[i][FS] === "v") v++; else if (F[i][FS] === "r") r++;
      });
      if (e) { counts.appendChild(el("span", "pill e", "错误 " + e)); art.classList.add("has-err"); }
      if (v) { counts.appendChild(el("span", "pill v", "需人工核对 " + v)); if (!e) art.classList.add("has-rev"); }
      if (r) { counts.appendChild(el("span", "pill r", "尾数误差 " + r)); if (!e && !v) art.classList.add("has-rnd"); }
    } else if (d && d[DN]) {
      body.appendChild(el("div", "okline", d[DX]
        ? "✓ 未发现问题（另有 " + d[DX] + " 处经审核排除）"
        : "✓ 全部 " + d[DN] + " 条检查通过，未发现问题"));
      counts.appendChild(badge("通过", "b-ok"));
    } else if (d && d[DST] === "loaded") {
      body.appendChild(el("div", "reason", "尚无检查结果"));
    }
    keyClick(h);
    h.addEventListener("click", function () {
      art.classList.toggle("collapsed");
      tog.textContent = art.classList.contains("collapsed") ? "▸" : "▾";
    });
    art.appendChild(body);
    host.appendChild(art);
    return { di: di, art: art, tbody: tbody, list: list, ths: tbody ? tbody.parentNode.tHead.rows[0].cells : [] };
  }
  docOrder.forEach(function (di) { cards.push(buildCard(di)); });
  if (host && !docOrder.length) host.appendChild(el("p", "empty", "尚无入库文件。"));

  // ---- the overview's list of documents: paged, filtered without their findings ----
  var CHECK_TITLE = {};
  CHECKS.forEach(function (c) { CHECK_TITLE[c[0]] = c[1]; });
  var docHay = {};
  function docWords(i) {
    if (docHay[i] === undefined) {
      var d = DOCS[i], kw = d[DKW] || "", titles = [];
      kw.split(" ").forEach(function (w) { if (CHECK_TITLE[w]) titles.push(CHECK_TITLE[w]); });
      docHay[i] = [unitName(d[DU]), d[DFILE], d[DY], d[DKIND], kw, titles.join(" ")]
        .join(" ").toLowerCase();
    }
    return docHay[i];
  }
  var SEV_COUNT = { error: DE, review: DV, rounding: DR, info: DINF };
  function docMatches(i, tokens) {
    var d = DOCS[i];
    if (d[DST] === "superseded" && !S.old) return false;
    if (S.unit && unitName(d[DU]) !== S.unit) return false;
    if (S.year && String(d[DY]) !== S.year) return false;
    if (S.sev && !d[SEV_COUNT[S.sev]]) return false;
    for (var t = 0; t < tokens.length; t++) if (docWords(i).indexOf(tokens[t]) < 0) return false;
    return true;
  }
  // The document page's own filters travel with the link: keyword and severity.
  function docHref(i) {
    var p = new URLSearchParams();
    if (S.q) p.set("q", S.q);
    if (S.sev) p.set("sev", S.sev);
    var h = p.toString();
    return FOLDER + DOCS[i][DPAGE] + (h ? "#" + h : "");
  }
  var listed = [], listTokens = [], listShown = 0;
  if ($("doclist")) {
    DOCS.forEach(function (d, i) { if (d[DST] !== "rejected" || d[DN]) listed.push(i); });
  }
  var docList = !$("doclist") ? null : sortable($("doclist"), [
    { t: "单位", v: function (i) { return unitName(DOCS[i][DU]); }, r: function (i, td) {
      td.textContent = unitName(DOCS[i][DU]);
      var u = DOCS[i][DU];
      if (u >= 0 && U[u][1]) td.appendChild(el("span", "tt", " " + U[u][1]));
    } },
    { t: "年度", v: function (i) { return DOCS[i][DY]; }, cls: "nw" },
    { t: "类型", v: function (i) { return DOCS[i][DKIND]; }, cls: "nw" },
    { t: "文件", v: function (i) { return DOCS[i][DFILE]; } },
    { t: "状态", v: function (i) { return ST[DOCS[i][DST]] || DOCS[i][DST]; }, r: function (i, td) {
      td.appendChild(badge(ST[DOCS[i][DST]] || DOCS[i][DST], ST_CLS[DOCS[i][DST]] || "b-muted"));
    } },
    { t: "错误", v: function (i) { return DOCS[i][DE]; }, cls: "num", desc: true,
      r: countCell("#b42318")(function (i) { return DOCS[i][DE]; }) },
    { t: "需人工核对", v: function (i) { return DOCS[i][DV]; }, cls: "num", desc: true,
      r: countCell("#5b3ea8")(function (i) { return DOCS[i][DV]; }) },
    { t: "尾数误差", v: function (i) { return DOCS[i][DR]; }, cls: "num", desc: true,
      r: countCell("#93500d")(function (i) { return DOCS[i][DR]; }) },
    { t: "检查", v: function (i) { return DOCS[i][DN]; }, cls: "nw", r: function (i, td) {
      var d = DOCS[i];
      td.textContent = d[DN] ? "通过 " + d[DOK] + " / " + d[DN] : (d[DST] === "loaded" ? "尚未检查" : "—");
    } },
    { t: "问题明细", v: function (i) { return DOCS[i][DPAGE]; }, cls: "nw", r: function (i, td) {
      var a = el("a", "doclink", "查看问题");
      a.href = docHref(i);
      td.appendChild(a);
    } }
  ], listed, {
    pageSize: PAGE_SIZE,
    filter: function (i) { return docMatches(i, listTokens); },
    onCount: function (n) { listShown = n; },
    rowCls: function (i) { return "st-" + DOCS[i][DST]; },
    empty: "没有符合筛选条件的文件"
  });

  function matches(i, tokens) {
    var f = F[i];
    if (S.sev && SEV_NAME[f[FS]] !== S.sev) return false;
    if (tokens.length) {
      var h = hay[i];
      for (var t = 0; t < tokens.length; t++) if (h.indexOf(tokens[t]) < 0) return false;
    }
    return true;
  }
  function docVisible(di) {
    var d = di >= 0 ? DOCS[di] : null;
    if (MODE === "document") return true;  // the page is the document's, whatever its status
    if (d && d[DST] === "superseded" && !S.old) return false;
    if (S.unit && (!d || unitName(d[DU]) !== S.unit)) return false;
    if (S.year && (!d || String(d[DY]) !== S.year)) return false;
    return true;
  }
  function applyFilters() {
    var tokens = S.q.toLowerCase().split(/\s+/).filter(Boolean);
    if (overview) overview.draw();
    budgetTables.forEach(function (t) { t.draw(); });
    if (docList) {
      listTokens = tokens;
      docList.draw();
      var c = $("count");
      c.textContent = "";
      c.appendChild(document.createTextNode("显示 "));
      c.appendChild(el("b", "", String(listShown)));
      c.appendChild(document.createTextNode(" 份文件（共 " + listed.length + " 份）"));
      c.setAttribute("data-shown", String(listShown));
      var nm = $("nomatch");
      if (nm) nm.style.display = listShown || !listed.length ? "none" : "";
      return;
    }
    var narrowing = tokens.length > 0 || !!S.sev;
    var shown = 0, total = 0, docsShown = 0;
    var col = FS_.k >= 0 ? FCOLS[FS_.k] : null;
    cards.forEach(function (c) {
      var vis = docVisible(c.di);
      if (vis) total += c.list.length;
      var rows = vis ? c.list.filter(function (i) { return matches(i, tokens); }) : [];
      if (narrowing && !rows.length) vis = false;
      c.art.style.display = vis ? "" : "none";
      if (!vis) return;
      docsShown++;
      shown += rows.length;
      if (!c.tbody) return;
      if (col) rows.sort(function (a, b) { return cmp(col.v(F[a]), col.v(F[b]), FS_.d) || a - b; });
      c.tbody.textContent = "";
      var frag = document.createDocumentFragment();
      rows.forEach(function (i) { frag.appendChild(findingRow(i)); });
      c.tbody.appendChild(frag);
      Array.prototype.forEach.call(c.ths, function (th, j) {
        th.classList.toggle("asc", j === FS_.k && FS_.d > 0);
        th.classList.toggle("desc", j === FS_.k && FS_.d < 0);
      });
    });
    var cnt = $("count");
    cnt.textContent = "";
    cnt.appendChild(document.createTextNode("显示 "));
    cnt.appendChild(el("b", "", String(shown)));
    cnt.appendChild(document.createTextNode(" 条问题（共 " + total + " 条）· " + docsShown + " 份文件"));
    cnt.setAttribute("data-shown", String(shown));
    var none = $("nomatch");
    if (none) none.style.display = docsShown || !docOrder.length ? "none" : "";
  }

  // ---- controls ----
  var qIn = $("f-q"), sevSel = $("f-sev"), unitSel = $("f-unit"), yearSel = $("f-year"),
    oldBox = $("f-old");
  // A document's page has no unit, year or old-version controls: stand-ins keep one code path.
  unitSel = unitSel || el("select"); yearSel = yearSel || el("select");
  oldBox = oldBox || el("input");
  function option(sel, value, text) { var o = el("option", "", text); o.value = value; sel.appendChild(o); }
  var unitNames = {}, years = {};
  OV.forEach(function (r) { unitNames[U[r[0]][0]] = 1; years[r[1]] = 1; });
  DOCS.forEach(function (d) { if (d[DU] >= 0) unitNames[unitName(d[DU])] = 1; if (d[DY] !== null) years[d[DY]] = 1; });
  Object.keys(unitNames).sort(function (a, b) { return cmp(a, b, 1); })
    .forEach(function (n) { option(unitSel, n, n); });
  Object.keys(years).sort().reverse().forEach(function (y) { option(yearSel, y, y + " 年度"); });
  function syncControls() {
    qIn.value = S.q; sevSel.value = S.sev; yearSel.value = S.year; oldBox.checked = S.old;
    if (S.unit && !unitNames[S.unit]) { option(unitSel, S.unit, S.unit); unitNames[S.unit] = 1; }
    unitSel.value = S.unit;
  }
  var timer = null;
  qIn.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { S.q = qIn.value.trim(); applyFilters(); writeHash(); }, 150);
  });
  sevSel.addEventListener("change", function () { S.sev = sevSel.value; applyFilters(); writeHash(); });
  unitSel.addEventListener("change", function () { S.unit = unitSel.value; applyFilters(); writeHash(); });
  yearSel.addEventListener("change", function () { S.year = yearSel.value; applyFilters(); writeHash(); });
  oldBox.addEventListener("change", function () { S.old = oldBox.checked; applyFilters(); writeHash(); });
  $("f-reset").addEventListener("click", function () {
    S.q = ""; S.sev = ""; S.unit = ""; S.year = ""; S.old = false;
    syncControls(); applyFilters(); writeHash();
  });
  window.addEventListener("hashchange", function () {
    if (readHash()) {
      syncControls(); applyFilters();
      var t = $("documents"); if (t && t.scrollIntoView) t.scrollIntoView();
    }
  });
  var fromHash = readHash();
  syncControls();
  applyFilters();
  document.documentElement.setAttribute("data-ready", "1");
  if (fromHash) {
    // After the first layout, so that the browser scrolls to where the rows are.
    setTimeout(function () { var t = $("documents"); if (t && t.scrollIntoView) t.scrollIntoView(); }, 0);
  }
})();
