// inputs 210bad40e478b74ed6fb278650e0f54fdbb1d29b9ab91daf63d606f181b3b1af: built by ui/build.mjs from ui/test/ and ui/src/; do not edit.

// test/setup.ts
process.env.TZ = "Asia/Kolkata";
var globals = globalThis;
var stored = /* @__PURE__ */ new Map();
globals.localStorage = {
  getItem: (key) => stored.get(key) ?? null,
  setItem: (key, value) => void stored.set(key, String(value)),
  removeItem: (key) => void stored.delete(key),
  clear: () => stored.clear()
};
globals.matchMedia = () => ({ matches: false, addEventListener() {
}, removeEventListener() {
} });
globals.document = { title: "Sextant", documentElement: { dataset: {} } };
globals.window = globalThis;

// test/format.test.ts
import assert from "node:assert/strict";
import { test } from "node:test";

// node_modules/preact/dist/preact.mjs
var n;
var l;
var u;
var t;
var i;
var r;
var o;
var e;
var f;
var c;
var a;
var s;
var h;
var p;
var v;
var y;
var d = {};
var w = [];
var _ = /acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i;
var g = Array.isArray;
function m(n2, l3) {
  for (var u3 in l3) n2[u3] = l3[u3];
  return n2;
}
function b(n2) {
  n2 && n2.parentNode && n2.parentNode.removeChild(n2);
}
function x(n2, t4, i3, r3, o2) {
  var e3 = { type: n2, props: t4, key: i3, ref: r3, __k: null, __: null, __b: 0, __e: null, __c: null, constructor: void 0, __v: null == o2 ? ++u : o2, __i: -1, __u: 0 };
  return null == o2 && null != l.vnode && l.vnode(e3), e3;
}
function S(n2) {
  return n2.children;
}
function C(n2, l3) {
  this.props = n2, this.context = l3;
}
function $(n2, l3) {
  if (null == l3) return n2.__ ? $(n2.__, n2.__i + 1) : null;
  for (var u3; l3 < n2.__k.length; l3++) if (null != (u3 = n2.__k[l3]) && null != u3.__e) return u3.__e;
  return "function" == typeof n2.type ? $(n2) : null;
}
function I(n2) {
  if (n2.__P && n2.__d) {
    var u3 = n2.__v, t4 = u3.__e, i3 = [], r3 = [], o2 = m({}, u3);
    o2.__v = u3.__v + 1, l.vnode && l.vnode(o2), q(n2.__P, o2, u3, n2.__n, n2.__P.namespaceURI, 32 & u3.__u ? [t4] : null, i3, null == t4 ? $(u3) : t4, !!(32 & u3.__u), r3), o2.__v = u3.__v, o2.__.__k[o2.__i] = o2, D(i3, o2, r3), u3.__e = u3.__ = null, o2.__e != t4 && P(o2);
  }
}
function P(n2) {
  if (null != (n2 = n2.__) && null != n2.__c) return n2.__e = n2.__c.base = null, n2.__k.some(function(l3) {
    if (null != l3 && null != l3.__e) return n2.__e = n2.__c.base = l3.__e;
  }), P(n2);
}
function A(n2) {
  (!n2.__d && (n2.__d = true) && i.push(n2) && !H.__r++ || r != l.debounceRendering) && ((r = l.debounceRendering) || o)(H);
}
function H() {
  try {
    for (var n2, l3 = 1; i.length; ) i.length > l3 && i.sort(e), n2 = i.shift(), l3 = i.length, I(n2);
  } finally {
    i.length = H.__r = 0;
  }
}
function L(n2, l3, u3, t4, i3, r3, o2, e3, f3, c3, a3) {
  var s2, h3, p3, v3, y2, _2, g2 = t4 && t4.__k || w, m3 = l3.length;
  for (f3 = T(u3, l3, g2, f3, m3), s2 = 0; s2 < m3; s2++) null != (p3 = u3.__k[s2]) && (h3 = -1 != p3.__i && g2[p3.__i] || d, p3.__i = s2, _2 = q(n2, p3, h3, i3, r3, o2, e3, f3, c3, a3), v3 = p3.__e, p3.ref && h3.ref != p3.ref && (h3.ref && J(h3.ref, null, p3), a3.push(p3.ref, p3.__c || v3, p3)), null == y2 && null != v3 && (y2 = v3), 4 & p3.__u ? (f3 = j(p3, f3, n2), h3.__e && (h3.__e = null)) : "function" == typeof p3.type && void 0 !== _2 ? f3 = _2 : v3 && (f3 = v3.nextSibling), p3.__u &= -7);
  return u3.__e = y2, f3;
}
function T(n2, l3, u3, t4, i3) {
  var r3, o2, e3, f3, c3, a3 = u3.length, s2 = a3, h3 = 0;
  for (n2.__k = new Array(i3), r3 = 0; r3 < i3; r3++) null != (o2 = l3[r3]) && "boolean" != typeof o2 && "function" != typeof o2 ? ("string" == typeof o2 || "number" == typeof o2 || "bigint" == typeof o2 || o2.constructor == String ? o2 = n2.__k[r3] = x(null, o2, null, null, null) : g(o2) ? o2 = n2.__k[r3] = x(S, { children: o2 }, null, null, null) : void 0 === o2.constructor && o2.__b > 0 ? o2 = n2.__k[r3] = x(o2.type, o2.props, o2.key, o2.ref ? o2.ref : null, o2.__v) : n2.__k[r3] = o2, f3 = r3 + h3, o2.__ = n2, o2.__b = n2.__b + 1, e3 = null, -1 != (c3 = o2.__i = O(o2, u3, f3, s2)) && (s2--, (e3 = u3[c3]) && (e3.__u |= 2)), null == e3 || null == e3.__v ? (-1 == c3 && (i3 > a3 ? h3-- : i3 < a3 && h3++), "function" != typeof o2.type && (o2.__u |= 4)) : c3 != f3 && (c3 == f3 - 1 ? h3-- : c3 == f3 + 1 ? h3++ : (c3 > f3 ? h3-- : h3++, o2.__u |= 4))) : n2.__k[r3] = null;
  if (s2) for (r3 = 0; r3 < a3; r3++) null != (e3 = u3[r3]) && 0 == (2 & e3.__u) && (e3.__e == t4 && (t4 = $(e3)), K(e3, e3));
  return t4;
}
function j(n2, l3, u3) {
  var t4, i3;
  if ("function" == typeof n2.type) {
    for (t4 = n2.__k, i3 = 0; t4 && i3 < t4.length; i3++) t4[i3] && (t4[i3].__ = n2, l3 = j(t4[i3], l3, u3));
    return l3;
  }
  n2.__e != l3 && (l3 && n2.type && !l3.parentNode && (l3 = $(n2)), l3 = u3.insertBefore(n2.__e, l3 || null));
  do {
    l3 = l3 && l3.nextSibling;
  } while (null != l3 && 8 == l3.nodeType);
  return l3;
}
function O(n2, l3, u3, t4) {
  var i3, r3, o2, e3 = n2.key, f3 = n2.type, c3 = l3[u3], a3 = null != c3 && 0 == (2 & c3.__u);
  if (null === c3 && null == e3 || a3 && e3 == c3.key && f3 == c3.type) return u3;
  if (t4 > (a3 ? 1 : 0)) {
    for (i3 = u3 - 1, r3 = u3 + 1; i3 >= 0 || r3 < l3.length; ) if (null != (c3 = l3[o2 = i3 >= 0 ? i3-- : r3++]) && 0 == (2 & c3.__u) && e3 == c3.key && f3 == c3.type) return o2;
  }
  return -1;
}
function z(n2, l3, u3) {
  "-" == l3[0] ? n2.setProperty(l3, null == u3 ? "" : u3) : n2[l3] = null == u3 ? "" : "number" != typeof u3 || _.test(l3) ? u3 : u3 + "px";
}
function N(n2, l3, u3, t4, i3) {
  var r3, o2;
  n: if ("style" == l3) if ("string" == typeof u3) n2.style.cssText = u3;
  else {
    if ("string" == typeof t4 && (n2.style.cssText = t4 = ""), t4) for (l3 in t4) u3 && l3 in u3 || z(n2.style, l3, "");
    if (u3) for (l3 in u3) t4 && u3[l3] == t4[l3] || z(n2.style, l3, u3[l3]);
  }
  else if ("o" == l3[0] && "n" == l3[1]) r3 = l3 != (l3 = l3.replace(s, "$1")), o2 = l3.toLowerCase(), l3 = o2 in n2 || "onFocusOut" == l3 || "onFocusIn" == l3 ? o2.slice(2) : l3.slice(2), n2.l || (n2.l = {}), n2.l[l3 + r3] = u3, u3 ? t4 ? u3[a] = t4[a] : (u3[a] = h, n2.addEventListener(l3, r3 ? v : p, r3)) : n2.removeEventListener(l3, r3 ? v : p, r3);
  else {
    if ("http://www.w3.org/2000/svg" == i3) l3 = l3.replace(/xlink(H|:h)/, "h").replace(/sName$/, "s");
    else if ("width" != l3 && "height" != l3 && "href" != l3 && "list" != l3 && "form" != l3 && "tabIndex" != l3 && "download" != l3 && "rowSpan" != l3 && "colSpan" != l3 && "role" != l3 && "popover" != l3 && l3 in n2) try {
      n2[l3] = null == u3 ? "" : u3;
      break n;
    } catch (n3) {
    }
    "function" == typeof u3 || (null == u3 || false === u3 && "-" != l3[4] ? n2.removeAttribute(l3) : n2.setAttribute(l3, "popover" == l3 && 1 == u3 ? "" : u3));
  }
}
function V(n2) {
  return function(u3) {
    if (this.l) {
      var t4 = this.l[u3.type + n2];
      if (null == u3[c]) u3[c] = h++;
      else if (u3[c] < t4[a]) return;
      return t4(l.event ? l.event(u3) : u3);
    }
  };
}
function q(n2, u3, t4, i3, r3, o2, e3, f3, c3, a3) {
  var s2, h3, p3, v3, y2, d3, _2, k2, x2, M, I2, P2, A2, H2, T2, j3, F = u3.type;
  if (void 0 !== u3.constructor) return null;
  128 & t4.__u && (c3 = !!(32 & t4.__u), o2 = [f3 = u3.__e = t4.__e]), (s2 = l.__b) && s2(u3);
  n: if ("function" == typeof F) {
    h3 = e3.length;
    try {
      if (x2 = u3.props, M = F.prototype && F.prototype.render, I2 = (s2 = F.contextType) && i3[s2.__c], P2 = s2 ? I2 ? I2.props.value : s2.__ : i3, t4.__c ? k2 = (p3 = u3.__c = t4.__c).__ = p3.__E : (M ? u3.__c = p3 = new F(x2, P2) : (u3.__c = p3 = new C(x2, P2), p3.constructor = F, p3.render = Q), I2 && I2.sub(p3), p3.state || (p3.state = {}), p3.__n = i3, v3 = p3.__d = true, p3.__h = [], p3._sb = []), M && null == p3.__s && (p3.__s = p3.state), M && null != F.getDerivedStateFromProps && (p3.__s == p3.state && (p3.__s = m({}, p3.__s)), m(p3.__s, F.getDerivedStateFromProps(x2, p3.__s))), y2 = p3.props, d3 = p3.state, p3.__v = u3, v3) M && null == F.getDerivedStateFromProps && null != p3.componentWillMount && p3.componentWillMount(), M && null != p3.componentDidMount && p3.__h.push(p3.componentDidMount);
      else {
        if (M && null == F.getDerivedStateFromProps && x2 !== y2 && null != p3.componentWillReceiveProps && p3.componentWillReceiveProps(x2, P2), u3.__v == t4.__v || !p3.__e && null != p3.shouldComponentUpdate && false === p3.shouldComponentUpdate(x2, p3.__s, P2)) {
          u3.__v != t4.__v && (p3.props = x2, p3.state = p3.__s, p3.__d = false), u3.__e = t4.__e, u3.__k = t4.__k, u3.__k.some(function(n3) {
            n3 && (n3.__ = u3);
          }), w.push.apply(p3.__h, p3._sb), p3._sb = [], p3.__h.length && e3.push(p3), f3 = $(t4);
          break n;
        }
        null != p3.componentWillUpdate && p3.componentWillUpdate(x2, p3.__s, P2), M && null != p3.componentDidUpdate && p3.__h.push(function() {
          p3.componentDidUpdate(y2, d3, _2);
        });
      }
      if (p3.context = P2, p3.props = x2, p3.__P = n2, p3.__e = false, A2 = l.__r, H2 = 0, M) p3.state = p3.__s, p3.__d = false, A2 && A2(u3), s2 = p3.render(p3.props, p3.state, p3.context), w.push.apply(p3.__h, p3._sb), p3._sb = [];
      else do {
        p3.__d = false, A2 && A2(u3), s2 = p3.render(p3.props, p3.state, p3.context), p3.state = p3.__s;
      } while (p3.__d && ++H2 < 25);
      p3.state = p3.__s, null != p3.getChildContext && (i3 = m(m({}, i3), p3.getChildContext())), M && !v3 && null != p3.getSnapshotBeforeUpdate && (_2 = p3.getSnapshotBeforeUpdate(y2, d3)), T2 = null != s2 && s2.type === S && null == s2.key ? E(s2.props.children) : s2, f3 = L(n2, g(T2) ? T2 : [T2], u3, t4, i3, r3, o2, e3, f3, c3, a3), p3.base = u3.__e, u3.__u &= -161, p3.__h.length && e3.push(p3), k2 && (p3.__E = p3.__ = null);
    } catch (n3) {
      if (e3.length = h3, u3.__v = null, c3 || null != o2) {
        if (n3.then) {
          for (u3.__u |= c3 ? 160 : 128; f3 && 8 == f3.nodeType && f3.nextSibling; ) f3 = f3.nextSibling;
          null != o2 && (o2[o2.indexOf(f3)] = null), u3.__e = f3;
        } else if (null != o2) for (j3 = o2.length; j3--; ) b(o2[j3]);
      } else u3.__e = t4.__e;
      null == u3.__k && (u3.__k = t4.__k || []), n3.then || B(u3), l.__e(n3, u3, t4);
    }
  } else null == o2 && u3.__v == t4.__v ? (u3.__k = t4.__k, u3.__e = t4.__e) : f3 = u3.__e = G(t4.__e, u3, t4, i3, r3, o2, e3, c3, a3);
  return (s2 = l.diffed) && s2(u3), 128 & u3.__u ? void 0 : f3;
}
function B(n2) {
  n2 && (n2.__c && (n2.__c.__e = true), n2.__k && n2.__k.some(B));
}
function D(n2, u3, t4) {
  for (var i3 = 0; i3 < t4.length; i3++) J(t4[i3], t4[++i3], t4[++i3]);
  l.__c && l.__c(u3, n2), n2.some(function(u4) {
    try {
      n2 = u4.__h, u4.__h = [], n2.some(function(n3) {
        n3.call(u4);
      });
    } catch (n3) {
      l.__e(n3, u4.__v);
    }
  });
}
function E(n2) {
  return "object" != typeof n2 || null == n2 || n2.__b > 0 ? n2 : g(n2) ? n2.map(E) : void 0 !== n2.constructor ? null : m({}, n2);
}
function G(u3, t4, i3, r3, o2, e3, f3, c3, a3) {
  var s2, h3, p3, v3, y2, w3, _2, m3 = i3.props || d, k2 = t4.props, x2 = t4.type;
  if ("svg" == x2 ? o2 = "http://www.w3.org/2000/svg" : "math" == x2 ? o2 = "http://www.w3.org/1998/Math/MathML" : o2 || (o2 = "http://www.w3.org/1999/xhtml"), null != e3) {
    for (s2 = 0; s2 < e3.length; s2++) if ((y2 = e3[s2]) && "setAttribute" in y2 == !!x2 && (x2 ? y2.localName == x2 : 3 == y2.nodeType)) {
      u3 = y2, e3[s2] = null;
      break;
    }
  }
  if (null == u3) {
    if (null == x2) return document.createTextNode(k2);
    u3 = document.createElementNS(o2, x2, k2.is && k2), c3 && (l.__m && l.__m(t4, e3), c3 = false), e3 = null;
  }
  if (null == x2) m3 === k2 || c3 && u3.data == k2 || (u3.data = k2);
  else {
    if (e3 = "textarea" == x2 && null != k2.defaultValue ? null : e3 && n.call(u3.childNodes), !c3 && null != e3) for (m3 = {}, s2 = 0; s2 < u3.attributes.length; s2++) m3[(y2 = u3.attributes[s2]).name] = y2.value;
    for (s2 in m3) y2 = m3[s2], "dangerouslySetInnerHTML" == s2 ? p3 = y2 : "children" == s2 || s2 in k2 || "value" == s2 && "defaultValue" in k2 || "checked" == s2 && "defaultChecked" in k2 || N(u3, s2, null, y2, o2);
    for (s2 in k2) y2 = k2[s2], "children" == s2 ? v3 = y2 : "dangerouslySetInnerHTML" == s2 ? h3 = y2 : "value" == s2 ? w3 = y2 : "checked" == s2 ? _2 = y2 : c3 && "function" != typeof y2 || m3[s2] === y2 || N(u3, s2, y2, m3[s2], o2);
    if (h3) c3 || p3 && (h3.__html == p3.__html || h3.__html == u3.innerHTML) || (u3.innerHTML = h3.__html), t4.__k = [];
    else if (p3 && (u3.innerHTML = ""), L("template" == t4.type ? u3.content : u3, g(v3) ? v3 : [v3], t4, i3, r3, "foreignObject" == x2 ? "http://www.w3.org/1999/xhtml" : o2, e3, f3, e3 ? e3[0] : i3.__k && $(i3, 0), c3, a3), null != e3) for (s2 = e3.length; s2--; ) b(e3[s2]);
    c3 && "textarea" != x2 || (s2 = "value", "progress" == x2 && null == w3 ? u3.removeAttribute("value") : null != w3 && (w3 !== u3[s2] || "progress" == x2 && !w3 || "option" == x2 && w3 != m3[s2]) && N(u3, s2, w3, m3[s2], o2), s2 = "checked", null != _2 && _2 != u3[s2] && N(u3, s2, _2, m3[s2], o2));
  }
  return u3;
}
function J(n2, u3, t4) {
  try {
    if ("function" == typeof n2) {
      var i3 = "function" == typeof n2.__u;
      i3 && n2.__u(), i3 && null == u3 || (n2.__u = n2(u3));
    } else n2.current = u3;
  } catch (n3) {
    l.__e(n3, t4);
  }
}
function K(n2, u3, t4) {
  var i3, r3;
  if (l.unmount && l.unmount(n2), (i3 = n2.ref) && (i3.current && i3.current != n2.__e || J(i3, null, u3)), null != (i3 = n2.__c)) {
    if (i3.componentWillUnmount) try {
      i3.componentWillUnmount();
    } catch (n3) {
      l.__e(n3, u3);
    }
    i3.base = i3.__P = i3.__n = null;
  }
  if (i3 = n2.__k) for (r3 = 0; r3 < i3.length; r3++) i3[r3] && K(i3[r3], u3, t4 || "function" != typeof n2.type);
  t4 || b(n2.__e), n2.__c = n2.__ = n2.__e = void 0;
}
function Q(n2, l3, u3) {
  return this.constructor(n2, u3);
}
n = w.slice, l = { __e: function(n2, l3, u3, t4) {
  for (var i3, r3, o2; l3 = l3.__; ) if ((i3 = l3.__c) && !i3.__) try {
    if ((r3 = i3.constructor) && null != r3.getDerivedStateFromError && (i3.setState(r3.getDerivedStateFromError(n2)), o2 = i3.__d), null != i3.componentDidCatch && (i3.componentDidCatch(n2, t4 || {}), o2 = i3.__d), o2) return i3.__E = i3;
  } catch (l4) {
    n2 = l4;
  }
  throw n2;
} }, u = 0, t = function(n2) {
  return null != n2 && void 0 === n2.constructor;
}, C.prototype.setState = function(n2, l3) {
  var u3;
  u3 = null != this.__s && this.__s != this.state ? this.__s : this.__s = m({}, this.state), "function" == typeof n2 && (n2 = n2(m({}, u3), this.props)), n2 && m(u3, n2), null != n2 && this.__v && (l3 && this._sb.push(l3), A(this));
}, C.prototype.forceUpdate = function(n2) {
  this.__v && (this.__e = true, n2 && this.__h.push(n2), A(this));
}, C.prototype.render = S, i = [], o = "function" == typeof Promise ? Promise.prototype.then.bind(Promise.resolve()) : setTimeout, e = function(n2, l3) {
  return n2.__v.__b - l3.__v.__b;
}, H.__r = 0, f = Math.random().toString(8), c = "__d" + f, a = "__a" + f, s = /(PointerCapture)$|Capture$/i, h = 0, p = V(false), v = V(true), y = 0;

// node_modules/preact/hooks/dist/hooks.mjs
var t2;
var r2;
var u2;
var i2;
var f2 = [];
var c2 = l;
var e2 = c2.__b;
var a2 = c2.__r;
var v2 = c2.diffed;
var l2 = c2.__c;
var m2 = c2.unmount;
var p2 = c2.__;
function j2() {
  for (var n2; n2 = f2.shift(); ) {
    var t4 = n2.__H;
    if (n2.__P && t4) try {
      t4.__h.some(z2), t4.__h.some(B2), t4.__h = [];
    } catch (r3) {
      t4.__h = [], c2.__e(r3, n2.__v);
    }
  }
}
c2.__b = function(n2) {
  r2 = null, e2 && e2(n2);
}, c2.__ = function(n2, t4) {
  n2 && t4.__k && t4.__k.__m && (n2.__m = t4.__k.__m), p2 && p2(n2, t4);
}, c2.__r = function(n2) {
  a2 && a2(n2), t2 = 0;
  var i3 = (r2 = n2.__c).__H;
  i3 && (u2 === r2 ? (i3.__h = [], r2.__h = [], i3.__.some(function(n3) {
    n3.__N && (n3.__ = n3.__N), n3.u = n3.__N = void 0;
  })) : (i3.__h.some(z2), i3.__h.some(B2), i3.__h = [], t2 = 0)), u2 = r2;
}, c2.diffed = function(n2) {
  v2 && v2(n2);
  var t4 = n2.__c;
  t4 && t4.__H && (t4.__H.__h.length && (1 !== f2.push(t4) && i2 === c2.requestAnimationFrame || ((i2 = c2.requestAnimationFrame) || w2)(j2)), t4.__H.__.some(function(n3) {
    n3.u && (n3.__H = n3.u, n3.u = void 0);
  })), u2 = r2 = null;
}, c2.__c = function(n2, t4) {
  t4.some(function(n3) {
    try {
      n3.__h.some(z2), n3.__h = n3.__h.filter(function(n4) {
        return !n4.__ || B2(n4);
      });
    } catch (r3) {
      t4.some(function(n4) {
        n4.__h && (n4.__h = []);
      }), t4 = [], c2.__e(r3, n3.__v);
    }
  }), l2 && l2(n2, t4);
}, c2.unmount = function(n2) {
  m2 && m2(n2);
  var t4, r3 = n2.__c;
  r3 && r3.__H && (r3.__H.__.some(function(n3) {
    try {
      z2(n3);
    } catch (n4) {
      t4 = n4;
    }
  }), r3.__H = void 0, t4 && c2.__e(t4, r3.__v));
};
var k = "function" == typeof requestAnimationFrame;
function w2(n2) {
  var t4, r3 = function() {
    clearTimeout(u3), k && cancelAnimationFrame(t4), setTimeout(n2);
  }, u3 = setTimeout(r3, 35);
  k && (t4 = requestAnimationFrame(r3));
}
function z2(n2) {
  var t4 = r2, u3 = n2.__c;
  "function" == typeof u3 && (n2.__c = void 0, u3()), r2 = t4;
}
function B2(n2) {
  var t4 = r2;
  n2.__c = n2.__(), r2 = t4;
}

// src/store.ts
function signalLike(initial) {
  let value = initial;
  const subscribers = /* @__PURE__ */ new Set();
  return {
    get: () => value,
    set(next) {
      if (next === value) return;
      value = next;
      for (const fn of subscribers) fn(value);
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    }
  };
}

// src/settings.ts
function load(key, fallback) {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}
var theme = signalLike(load("sextant.theme", "system"));
var useLocalTime = signalLike(load("sextant.localTime", "false") === "true");
function applyTheme(t4) {
  const dark = t4 === "dark" || t4 === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}
theme.subscribe((t4) => {
  localStorage.setItem("sextant.theme", t4);
  applyTheme(t4);
});
useLocalTime.subscribe((v3) => localStorage.setItem("sextant.localTime", String(v3)));
window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme(theme.get()));

// src/format.ts
function pad(n2, width = 2) {
  return String(n2).padStart(width, "0");
}
function formatTime(ms, withMillis = false, local = useLocalTime.get()) {
  const d3 = new Date(ms);
  const [y2, mo, da, h3, mi, s2, mss] = local ? [d3.getFullYear(), d3.getMonth() + 1, d3.getDate(), d3.getHours(), d3.getMinutes(), d3.getSeconds(), d3.getMilliseconds()] : [d3.getUTCFullYear(), d3.getUTCMonth() + 1, d3.getUTCDate(), d3.getUTCHours(), d3.getUTCMinutes(), d3.getUTCSeconds(), d3.getUTCMilliseconds()];
  const base = `${y2}-${pad(mo)}-${pad(da)} ${pad(h3)}:${pad(mi)}:${pad(s2)}`;
  return withMillis ? `${base}.${pad(mss, 3)}` : base;
}
function formatDuration(ms) {
  if (Math.round(Math.abs(ms)) === 0) return "0s";
  const units = [
    ["y", 365 * 24 * 3600 * 1e3],
    ["w", 7 * 24 * 3600 * 1e3],
    ["d", 24 * 3600 * 1e3],
    ["h", 3600 * 1e3],
    ["m", 60 * 1e3],
    ["s", 1e3],
    ["ms", 1]
  ];
  let rest = Math.round(ms);
  let out = ms < 0 ? "-" : "";
  rest = Math.abs(rest);
  for (const [unit, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
function parseDuration(text) {
  const re = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
  const m3 = text.trim().match(re);
  if (!m3 || text.trim() === "") return null;
  const sizes = [365 * 24 * 36e5, 7 * 24 * 36e5, 24 * 36e5, 36e5, 6e4, 1e3, 1];
  let total = 0;
  for (let i3 = 0; i3 < sizes.length; i3++) total += Number(m3[i3 + 1] ?? 0) * sizes[i3];
  return total;
}
function formatRelative(ms, now = Date.now()) {
  const delta = now - ms;
  const abs = Math.abs(delta);
  const text = abs < 1e3 ? `${abs}ms` : abs < 6e4 ? `${(abs / 1e3).toFixed(1)}s` : formatDuration(Math.round(abs / 1e3) * 1e3);
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}
function parseApiTime(text) {
  if (!text || text.startsWith("0001-01-01")) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
function formatSeconds(seconds) {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return "0s";
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(0)}\xB5s`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(3)}ms`;
  if (seconds < 60) return `${seconds.toFixed(3)}s`;
  return formatDuration(seconds * 1e3);
}

// test/format.test.ts
var day = 24 * 36e5;
var t3 = Date.UTC(2026, 11, 4, 21, 43, 24, 5);
test("setup: local time is UTC+05:30", () => {
  assert.equal(new Date(t3).getTimezoneOffset(), -330);
});
test("formatTime: UTC, with and without milliseconds", () => {
  assert.equal(formatTime(t3, false, false), "2026-12-04 21:43:24");
  assert.equal(formatTime(t3, true, false), "2026-12-04 21:43:24.005");
});
test("formatTime: local time crosses into the next day", () => {
  assert.equal(formatTime(t3, true, true), "2026-12-05 03:13:24.005");
  assert.equal(formatTime(Date.UTC(2025, 11, 31, 20, 0, 0), false, true), "2026-01-01 01:30:00");
});
test("formatTime: pads every field", () => {
  assert.equal(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 60), true, false), "2026-01-02 03:04:05.060");
});
test("formatTime: follows the local-time setting by default", () => {
  assert.equal(useLocalTime.get(), false);
  assert.equal(formatTime(t3), "2026-12-04 21:43:24");
  useLocalTime.set(true);
  try {
    assert.equal(formatTime(t3), "2026-12-05 03:13:24");
    assert.equal(localStorage.getItem("sextant.localTime"), "true");
  } finally {
    useLocalTime.set(false);
  }
});
test("formatDuration: zero and sub-millisecond amounts are 0s", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(0.4), "0s");
  assert.equal(formatDuration(-0.4), "0s");
});
test("formatDuration: largest units first, zero units left out", () => {
  assert.equal(formatDuration(1), "1ms");
  assert.equal(formatDuration(1500), "1s500ms");
  assert.equal(formatDuration(90 * 6e4), "1h30m");
  assert.equal(formatDuration(7 * day), "1w");
  assert.equal(formatDuration(day + 1), "1d1ms");
  assert.equal(formatDuration(379 * day), "1y2w");
});
test("formatDuration: rounds to milliseconds and keeps the sign", () => {
  assert.equal(formatDuration(1.6), "2ms");
  assert.equal(formatDuration(-5 * 6e4), "-5m");
});
test("parseDuration: each unit and combinations", () => {
  assert.equal(parseDuration("1ms"), 1);
  assert.equal(parseDuration("0s"), 0);
  assert.equal(parseDuration("90m"), 90 * 6e4);
  assert.equal(parseDuration("1h30m"), 90 * 6e4);
  assert.equal(parseDuration("1y2w"), 379 * day);
  assert.equal(parseDuration("1d1ms"), day + 1);
  assert.equal(parseDuration(" 5m "), 5 * 6e4);
});
test("parseDuration: rejects what is not a duration", () => {
  for (const text of ["", "  ", "10", "h", "1.5h", "1.5w", "5m1h", "1h 30m", "-5m", "5M", "1mo"]) {
    assert.equal(parseDuration(text), null, JSON.stringify(text));
  }
});
test("parseDuration and formatDuration: canonical strings round-trip", () => {
  for (const text of ["1ms", "250ms", "1s", "1m30s", "1h", "1d", "1w", "1y", "1y2w3d4h5m6s7ms"]) {
    assert.equal(formatDuration(parseDuration(text)), text);
  }
  assert.equal(formatDuration(parseDuration("90m")), "1h30m");
  assert.equal(formatDuration(parseDuration("7d")), "1w");
  assert.equal(formatDuration(parseDuration("120s")), "2m");
});
test("formatRelative: past and future, milliseconds, seconds and whole durations", () => {
  const now = t3;
  assert.equal(formatRelative(now - 500, now), "500ms ago");
  assert.equal(formatRelative(now - 12345, now), "12.3s ago");
  assert.equal(formatRelative(now + 4 * 6e4, now), "in 4m");
  assert.equal(formatRelative(now - 90 * 6e4 - 400, now), "1h30m ago");
});
test("parseApiTime: RFC 3339 times; Go zero time and junk are null", () => {
  assert.equal(parseApiTime("2026-12-04T22:13:47.835Z"), Date.UTC(2026, 11, 4, 22, 13, 47, 835));
  assert.equal(parseApiTime("2026-12-04T22:13:47+01:00"), Date.UTC(2026, 11, 4, 21, 13, 47));
  assert.equal(parseApiTime("0001-01-01T00:00:00Z"), null);
  assert.equal(parseApiTime(""), null);
  assert.equal(parseApiTime(void 0), null);
  assert.equal(parseApiTime("soon"), null);
});
test("formatSeconds: \xB5s, ms, s, then durations", () => {
  assert.equal(formatSeconds(0), "0s");
  assert.equal(formatSeconds(235e-6), "235\xB5s");
  assert.equal(formatSeconds(0.012345), "12.345ms");
  assert.equal(formatSeconds(1.5), "1.500s");
  assert.equal(formatSeconds(90), "1m30s");
  assert.equal(formatSeconds(Infinity), "Infinity");
  assert.equal(formatSeconds(NaN), "NaN");
});

// test/graphData.test.ts
import assert2 from "node:assert/strict";
import { test as test2 } from "node:test";

// src/pages/query/chartData.ts
function sampleValue(text) {
  const v3 = +text;
  return v3 === v3 && v3 !== Infinity && v3 !== -Infinity ? v3 : void 0;
}
function buildChartData(result, start2, end2, step2) {
  const n2 = Math.max(1, Math.floor((end2 - start2) / step2) + 1);
  const xs = new Float64Array(n2);
  for (let i3 = 0; i3 < n2; i3++) xs[i3] = (start2 + i3 * step2) / 1e3;
  const ys = [];
  const metrics = [];
  const startSec = start2 / 1e3;
  const stepSec = step2 / 1e3;
  for (const series2 of result) {
    const y2 = new Array(n2);
    let filled = 0;
    const values = series2.values;
    if (values) {
      for (let j3 = 0; j3 < values.length; j3++) {
        const sample = values[j3];
        const i3 = Math.round((sample[0] - startSec) / stepSec);
        const v3 = sampleValue(sample[1]);
        if (i3 >= 0 && i3 < n2 && v3 !== void 0) {
          y2[i3] = v3;
          filled++;
        }
      }
    }
    const hists = series2.histograms;
    if (hists) {
      for (let j3 = 0; j3 < hists.length; j3++) {
        const i3 = Math.round((hists[j3][0] - startSec) / stepSec);
        const v3 = sampleValue(hists[j3][1].count);
        if (i3 >= 0 && i3 < n2 && v3 !== void 0) {
          y2[i3] = v3;
          filled++;
        }
      }
    }
    if (filled < n2) {
      for (let i3 = 0; i3 < n2; i3++) if (y2[i3] === void 0) y2[i3] = null;
    }
    ys.push(y2);
    metrics.push(series2.metric);
  }
  return { xs, ys, metrics };
}
function stack(ys, visible) {
  if (ys.length === 0) return ys;
  const n2 = ys[0].length;
  const acc = new Float64Array(n2);
  return ys.map((y2, k2) => {
    const out = new Array(n2);
    if (visible && !visible[k2]) return out.fill(null);
    for (let i3 = 0; i3 < n2; i3++) {
      const v3 = y2[i3];
      if (v3 !== null) acc[i3] += v3;
      out[i3] = v3 === null ? null : acc[i3];
    }
    return out;
  });
}
var lightPalette = ["#1f77b4", "#e6550d", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#d6449c", "#6b6b6b", "#a6a80f", "#0f9fb0", "#3d5a9e", "#b8860b", "#2e8b57", "#b03060", "#6a5acd", "#cd5c5c"];
var darkPalette = ["#5fa8e8", "#ff9248", "#5cd65c", "#ff6b6b", "#c39bff", "#d4a373", "#ff7ec7", "#b8b8b8", "#e0e04a", "#4fd6e6", "#8fa8ff", "#ffc14d", "#66d9a0", "#ff85a8", "#a99cff", "#ff9d8a"];
function seriesColor(i3, dark) {
  const p3 = dark ? darkPalette : lightPalette;
  return p3[i3 % p3.length];
}

// test/graphData.test.ts
var start = 1700000000123;
var step = 15e3;
var end = start + 4 * step;
var at = (i3) => (start + i3 * step) / 1e3;
function series(metric, points) {
  return { metric, values: points.map(([i3, v3]) => [at(i3), v3]) };
}
test2("buildChartData: x is the step grid from start to end, in seconds", () => {
  const { xs } = buildChartData([], start, end, step);
  assert2.deepEqual([...xs], [0, 1, 2, 3, 4].map(at));
});
test2("buildChartData: an end off the grid ends at the last step before it", () => {
  assert2.equal(buildChartData([], start, start + 5e4, step).xs.length, 4);
  assert2.equal(buildChartData([], start, start - 1, step).xs.length, 1);
});
test2("buildChartData: each series on the grid, null in its gaps, metrics in order", () => {
  const data = buildChartData(
    [
      series({ __name__: "a" }, [[0, "1"], [1, "2"], [2, "3"], [3, "4"], [4, "5"]]),
      series({ __name__: "b" }, [[0, "10"], [2, "-2.5"], [4, "1e3"]]),
      { metric: { __name__: "c" } },
      series({ __name__: "d" }, [[0, "1"], [1, "2"], [2, "3"], [3, "4"]])
    ],
    start,
    end,
    step
  );
  assert2.deepEqual(data.ys, [
    [1, 2, 3, 4, 5],
    [10, null, -2.5, null, 1e3],
    [null, null, null, null, null],
    [1, 2, 3, 4, null]
  ]);
  assert2.deepEqual(data.metrics, [{ __name__: "a" }, { __name__: "b" }, { __name__: "c" }, { __name__: "d" }]);
});
test2("buildChartData: samples snap to the nearest step; outside the window they are dropped", () => {
  const values = [
    [at(-1), "0"],
    [at(1) + 4e-4, "1"],
    [at(2) - 4e-4, "2"],
    [at(5), "5"]
  ];
  const { ys } = buildChartData([{ metric: {}, values }], start, end, step);
  assert2.deepEqual(ys, [[null, 1, 2, null, null]]);
});
test2("buildChartData: NaN and infinities are gaps", () => {
  const { ys } = buildChartData([series({}, [[0, "NaN"], [1, "+Inf"], [2, "-Inf"], [3, "7"]])], start, end, step);
  assert2.deepEqual(ys, [[null, null, null, 7, null]]);
  const big = buildChartData([series({}, [[0, "1e999"], [1, "-1e999"], [2, "1e308"]])], start, end, step);
  assert2.deepEqual(big.ys, [[null, null, 1e308, null, null]]);
});
test2("buildChartData: native histograms are drawn by their count", () => {
  const hist = (count) => ({ count, sum: "0" });
  const { ys } = buildChartData(
    [{ metric: {}, histograms: [[at(0), hist("3")], [at(3), hist("8")]] }],
    start,
    end,
    step
  );
  assert2.deepEqual(ys, [[3, null, null, 8, null]]);
});
test2("stack: running sums; a gap adds nothing and stays a gap", () => {
  const ys = [
    [1, 2, null],
    [10, null, 30],
    [100, 200, 300]
  ];
  assert2.deepEqual(stack(ys, null), [
    [1, 2, null],
    [11, null, 30],
    [111, 202, 330]
  ]);
  assert2.deepEqual(ys[0], [1, 2, null], "input unchanged");
});
test2("stack: hidden series are empty and add nothing", () => {
  const ys = [
    [1, 2],
    [10, 20],
    [100, 200]
  ];
  assert2.deepEqual(stack(ys, [true, false, true]), [
    [1, 2],
    [null, null],
    [101, 202]
  ]);
  assert2.deepEqual(stack([], null), []);
});
test2("seriesColor: the palette repeats, light and dark differ", () => {
  assert2.equal(seriesColor(16, false), seriesColor(0, false));
  assert2.notEqual(seriesColor(1, false), seriesColor(0, false));
  assert2.notEqual(seriesColor(0, true), seriesColor(0, false));
});

// test/labels.test.ts
import assert3 from "node:assert/strict";
import { test as test3 } from "node:test";

// src/pages/query/labels.ts
var plainMetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
var plainLabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
function escapeLabelValue(value) {
  return value.replace(/[\\"\n]/g, (c3) => c3 === "\n" ? "\\n" : `\\${c3}`);
}
function labelNameText(name) {
  return plainLabelName.test(name) ? name : `"${escapeLabelValue(name)}"`;
}
function labelPairText(name, value) {
  return `${labelNameText(name)}="${escapeLabelValue(value)}"`;
}
function isPlainMetricName(name) {
  return plainMetricName.test(name);
}
function seriesText(metric) {
  const { __name__: name, ...labels } = metric;
  const parts = Object.entries(labels).map(([k2, v3]) => labelPairText(k2, v3));
  if (name && !isPlainMetricName(name)) parts.unshift(`"${escapeLabelValue(name)}"`);
  else if (name) return parts.length === 0 ? name : `${name}{${parts.join(", ")}}`;
  return `{${parts.join(", ")}}`;
}

// test/labels.test.ts
test3("seriesText: metric name, then the labels in their order", () => {
  assert3.equal(seriesText({ __name__: "up", job: "api", instance: "a:9100" }), 'up{job="api", instance="a:9100"}');
  assert3.equal(seriesText({ job: "api", __name__: "up" }), 'up{job="api"}');
});
test3("seriesText: no name, no labels, nothing", () => {
  assert3.equal(seriesText({ job: "api" }), '{job="api"}');
  assert3.equal(seriesText({ __name__: "up" }), "up");
  assert3.equal(seriesText({}), "{}");
});
test3("seriesText: quotes, backslashes and newlines in values are escaped", () => {
  assert3.equal(seriesText({ __name__: "x", path: 'C:\\dir "a"' }), 'x{path="C:\\\\dir \\"a\\""}');
  assert3.equal(seriesText({ msg: "two\nlines" }), '{msg="two\\nlines"}');
  assert3.equal(seriesText({ v: "it's 5\xB0 {ok}, 'yes'" }), `{v="it's 5\xB0 {ok}, 'yes'"}`);
});
test3("seriesText: UTF-8 names are quoted, the metric name first inside the braces", () => {
  assert3.equal(seriesText({ __name__: "http.requests", "service.name": "a" }), '{"http.requests", "service.name"="a"}');
  assert3.equal(seriesText({ __name__: "my metric" }), '{"my metric"}');
  assert3.equal(seriesText({ __name__: "ns:rate5m", _a: "1" }), 'ns:rate5m{_a="1"}');
});
test3("escapeLabelValue: only backslash, quote and newline change", () => {
  assert3.equal(escapeLabelValue('a\\b"c\nd	e'), 'a\\\\b\\"c\\nd	e');
  assert3.equal(escapeLabelValue(""), "");
});
test3("labelNameText and labelPairText: classic names bare, others quoted", () => {
  assert3.equal(labelNameText("job"), "job");
  assert3.equal(labelNameText("_x9"), "_x9");
  assert3.equal(labelNameText("9x"), '"9x"');
  assert3.equal(labelNameText("a:b"), '"a:b"');
  assert3.equal(labelNameText('say "hi"'), '"say \\"hi\\""');
  assert3.equal(labelPairText("le", "+Inf"), 'le="+Inf"');
});

// test/metricFilter.test.ts
import assert4 from "node:assert/strict";
import { test as test4 } from "node:test";

// src/pages/query/metricFilter.ts
var kExact = 0;
var kPrefix = 1;
var kWordStart = 2;
var kSubstring = 3;
var kSubsequence = 4;
function normalizeQuery(query) {
  return query.replace(/\s+/g, "").toLowerCase();
}
function score(name, query) {
  const lower = name.toLowerCase();
  const at2 = lower.indexOf(query);
  if (at2 >= 0) {
    let rank = kSubstring;
    let start2 = at2;
    if (lower.length === query.length) rank = kExact;
    else if (at2 === 0) rank = kPrefix;
    else {
      for (let i3 = at2; i3 >= 0; i3 = lower.indexOf(query, i3 + 1)) {
        const before = lower[i3 - 1];
        if (before === "_" || before === ":") {
          rank = kWordStart;
          start2 = i3;
          break;
        }
      }
    }
    return { name, ranges: [[start2, start2 + query.length]], rank, cost: start2 };
  }
  const ranges = [];
  let q2 = 0;
  let gaps = 0;
  let last = -1;
  for (let i3 = 0; i3 < lower.length && q2 < query.length; i3++) {
    if (lower.charCodeAt(i3) !== query.charCodeAt(q2)) continue;
    if (last >= 0 && i3 === last + 1) ranges[ranges.length - 1][1] = i3 + 1;
    else {
      if (last >= 0) gaps += i3 - last - 1;
      ranges.push([i3, i3 + 1]);
    }
    last = i3;
    q2++;
  }
  if (q2 < query.length) return null;
  return { name, ranges, rank: kSubsequence, cost: ranges.length * 1e3 + gaps };
}
function filterMetrics(names2, query) {
  const q2 = normalizeQuery(query);
  if (!q2) return [...names2].sort().map((name) => ({ name, ranges: [] }));
  const out = [];
  for (const name of names2) {
    const s2 = score(name, q2);
    if (s2) out.push(s2);
  }
  out.sort(
    (a3, b2) => a3.rank - b2.rank || a3.cost - b2.cost || a3.name.length - b2.name.length || (a3.name < b2.name ? -1 : a3.name > b2.name ? 1 : 0)
  );
  return out.map(({ name, ranges }) => ({ name, ranges }));
}
function highlightSegments(text, ranges) {
  const out = [];
  let pos = 0;
  for (const [start2, end2] of ranges) {
    if (start2 > pos) out.push({ text: text.slice(pos, start2), match: false });
    out.push({ text: text.slice(start2, end2), match: true });
    pos = end2;
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos), match: false });
  return out;
}
function metadataFor(name, metadata) {
  if (!metadata) return void 0;
  const own = metadata[name];
  if (own?.length) return own[0];
  const base = name.replace(/_(count|sum|bucket|total)$/, "");
  return base !== name ? metadata[base]?.[0] : void 0;
}

// test/metricFilter.test.ts
var names = [
  "up",
  "prometheus_http_requests_total",
  "http_requests_total",
  "scrape_duration_seconds",
  "go_gc_duration_seconds",
  "setup_total",
  "process_cpu_seconds_total"
];
test4("filterMetrics: an empty or blank query lists every name, sorted, nothing highlighted", () => {
  for (const q2 of ["", "   "]) {
    const all = filterMetrics(names, q2);
    assert4.deepEqual(
      all.map((m3) => m3.name),
      [...names].sort()
    );
    assert4.ok(all.every((m3) => m3.ranges.length === 0));
  }
});
test4("filterMetrics: exact, then prefix, then word start, then inside a word", () => {
  const found = filterMetrics(["setup_total", "backup", "up_down", "up", "job_up"], "up");
  assert4.deepEqual(
    found.map((m3) => m3.name),
    ["up", "up_down", "job_up", "setup_total", "backup"]
  );
  assert4.deepEqual(found[0].ranges, [[0, 2]]);
  assert4.deepEqual(found[2].ranges, [[4, 6]]);
  assert4.deepEqual(found[3].ranges, [[3, 5]]);
  assert4.deepEqual(found[4].ranges, [[4, 6]]);
});
test4("filterMetrics: a later word start wins over an earlier mid-word match in the same name", () => {
  const [m3] = filterMetrics(["groups_up"], "up");
  assert4.deepEqual(m3.ranges, [[7, 9]]);
});
test4("filterMetrics: case and spaces are ignored", () => {
  assert4.deepEqual(
    filterMetrics(names, " HTTP_Requests ").map((m3) => m3.name),
    ["http_requests_total", "prometheus_http_requests_total"]
  );
  const spaced = filterMetrics(names, "http requests");
  assert4.deepEqual(
    spaced.map((m3) => m3.name),
    ["http_requests_total", "prometheus_http_requests_total"]
  );
  assert4.deepEqual(spaced[0].ranges, [
    [0, 4],
    [5, 13]
  ]);
});
test4("filterMetrics: a subsequence matches when no substring does, after every substring match", () => {
  const found = filterMetrics(names, "hrt");
  assert4.deepEqual(
    found.map((m3) => m3.name),
    ["http_requests_total", "prometheus_http_requests_total"]
  );
  assert4.deepEqual(found[0].ranges, [
    [0, 1],
    [5, 6],
    [11, 12]
  ]);
  const [dur] = filterMetrics(["scrape_duration_seconds"], "durs");
  assert4.deepEqual(dur.ranges, [
    [7, 10],
    [16, 17]
  ]);
  const sec = filterMetrics(["s_e_c", "scrape_duration_seconds"], "sec");
  assert4.deepEqual(
    sec.map((m3) => m3.name),
    ["scrape_duration_seconds", "s_e_c"]
  );
});
test4("filterMetrics: fewer runs rank first among subsequence matches, then the shorter name", () => {
  const found = filterMetrics(["a_x_b_x_c", "ab_x_c", "abxc"], "abc");
  assert4.deepEqual(
    found.map((m3) => m3.name),
    ["abxc", "ab_x_c", "a_x_b_x_c"]
  );
});
test4("filterMetrics: no match, no result", () => {
  assert4.deepEqual(filterMetrics(names, "zzz"), []);
  assert4.deepEqual(filterMetrics([], "up"), []);
});
test4("filterMetrics: a list of 20,000 names", () => {
  const many = Array.from({ length: 2e4 }, (_2, i3) => `metric_${i3}_http_server_requests_seconds_bucket`);
  assert4.equal(filterMetrics(many, "req").length, 2e4);
  assert4.equal(filterMetrics(many, "zzz").length, 0);
  assert4.equal(filterMetrics(many, "19999")[0].name, "metric_19999_http_server_requests_seconds_bucket");
});
test4("normalizeQuery: lower case without spaces", () => {
  assert4.equal(normalizeQuery("  Go GC "), "gogc");
});
test4("highlightSegments: the text cut at the ranges", () => {
  assert4.deepEqual(highlightSegments("http_requests_total", [[5, 13]]), [
    { text: "http_", match: false },
    { text: "requests", match: true },
    { text: "_total", match: false }
  ]);
  assert4.deepEqual(highlightSegments("up", [[0, 2]]), [{ text: "up", match: true }]);
  assert4.deepEqual(highlightSegments("up", []), [{ text: "up", match: false }]);
  assert4.deepEqual(highlightSegments("", []), [{ text: "", match: false }]);
  assert4.deepEqual(
    highlightSegments("abc", [
      [0, 1],
      [2, 3]
    ]),
    [
      { text: "a", match: true },
      { text: "b", match: false },
      { text: "c", match: true }
    ]
  );
});
test4("metadataFor: the name own metadata, else that of the name without a series suffix", () => {
  const metadata = {
    http_request_duration_seconds: [{ type: "histogram", help: "Latency.", unit: "" }],
    http_requests_total: [{ type: "counter", help: "Requests.", unit: "" }],
    odd_count: [{ type: "gauge", help: "Named against the conventions.", unit: "" }],
    odd: [{ type: "counter", help: "Not this one.", unit: "" }]
  };
  assert4.equal(metadataFor("http_request_duration_seconds_bucket", metadata)?.type, "histogram");
  assert4.equal(metadataFor("http_request_duration_seconds_count", metadata)?.type, "histogram");
  assert4.equal(metadataFor("http_requests_total", metadata)?.help, "Requests.");
  assert4.equal(metadataFor("odd_count", metadata)?.type, "gauge");
  assert4.equal(metadataFor("unknown_total", metadata), void 0);
  assert4.equal(metadataFor("up", void 0), void 0);
});

// test/promqlPrint.test.ts
import assert5 from "node:assert/strict";
import { test as test5 } from "node:test";

// src/pages/query/ast.ts
function children(n2) {
  switch (n2.type) {
    case "aggregation":
      return n2.param ? [n2.param, n2.expr] : [n2.expr];
    case "binaryExpr":
      return [n2.lhs, n2.rhs];
    case "call":
      return n2.args;
    case "subquery":
    case "parenExpr":
    case "unaryExpr":
      return [n2.expr];
    default:
      return [];
  }
}
var plainName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
var plainLabel = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
function quote(s2) {
  return JSON.stringify(s2);
}
function labelList(labels) {
  return `(${labels.map((l3) => plainLabel.test(l3) ? l3 : quote(l3)).join(", ")})`;
}
function durationText(d3, ms) {
  if (!d3) return formatDuration(ms);
  if (d3.type === "numberLiteral") return d3.duration ? formatDuration(Number(d3.val) * 1e3) : String(d3.val);
  const op = d3.op ?? "";
  let text;
  if (!d3.rhs) text = d3.lhs ? `${op}${durationText(d3.lhs, 0)}` : `${op}()`;
  else text = `${durationText(d3.lhs, 0)} ${op} ${durationText(d3.rhs, 0)}`;
  return d3.wrapped ? `(${text})` : text;
}
function selectorText(name, matchers) {
  const rest = matchers.filter((m3) => !(m3.name === "__name__" && m3.type === "=" && m3.value === name));
  const parts = rest.map((m3) => `${plainLabel.test(m3.name) ? m3.name : quote(m3.name)}${m3.type}${quote(m3.value)}`);
  if (name && !plainName.test(name)) parts.unshift(quote(name));
  const head = name && plainName.test(name) ? name : "";
  return parts.length > 0 || !head ? `${head}{${parts.join(", ")}}` : head;
}
function modifiersText(m3) {
  let out = "";
  if (m3.anchored) out += " anchored";
  if (m3.smoothed) out += " smoothed";
  if (m3.timestamp !== null && m3.timestamp !== void 0) out += ` @ ${(m3.timestamp / 1e3).toFixed(3)}`;
  else if (m3.startOrEnd) out += ` @ ${m3.startOrEnd}()`;
  if (m3.offsetExpr) out += ` offset ${durationText(m3.offsetExpr, m3.offset)}`;
  else if (m3.offset > 0) out += ` offset ${formatDuration(m3.offset)}`;
  else if (m3.offset < 0) out += ` offset -${formatDuration(-m3.offset)}`;
  return out;
}
function toPromQL(n2) {
  switch (n2.type) {
    case "aggregation": {
      let out = n2.op;
      if (n2.without || n2.grouping.length > 0) out += ` ${n2.without ? "without" : "by"} ${labelList(n2.grouping)} `;
      return `${out}(${n2.param ? `${toPromQL(n2.param)}, ` : ""}${toPromQL(n2.expr)})`;
    }
    case "binaryExpr": {
      let op = n2.op;
      if (n2.bool) op += " bool";
      const m3 = n2.matching;
      if (m3) {
        const grouped = m3.card === "many-to-one" || m3.card === "one-to-many";
        if (m3.labels.length > 0 || m3.on || grouped) op += ` ${m3.on ? "on" : "ignoring"} ${labelList(m3.labels)}`;
        if (grouped) op += ` group_${m3.card === "many-to-one" ? "left" : "right"} ${labelList(m3.include)}`;
        const fill = m3.fillValues;
        if (fill && fill.lhs !== null && fill.lhs === fill.rhs) op += ` fill (${fill.lhs})`;
        else {
          if (fill?.lhs != null) op += ` fill_left (${fill.lhs})`;
          if (fill?.rhs != null) op += ` fill_right (${fill.rhs})`;
        }
      }
      return `${toPromQL(n2.lhs)} ${op} ${toPromQL(n2.rhs)}`;
    }
    case "call":
      return `${n2.func.name}(${n2.args.map(toPromQL).join(", ")})`;
    case "matrixSelector":
      return `${selectorText(n2.name, n2.matchers)}[${durationText(n2.rangeExpr, n2.range)}]${modifiersText(n2)}`;
    case "subquery": {
      const step2 = n2.stepExpr || n2.step ? durationText(n2.stepExpr, n2.step) : "";
      return `${toPromQL(n2.expr)}[${durationText(n2.rangeExpr, n2.range)}:${step2}]${modifiersText(n2)}`;
    }
    case "numberLiteral":
      return n2.val;
    case "parenExpr":
      return `(${toPromQL(n2.expr)})`;
    case "stringLiteral":
      return quote(n2.val);
    case "unaryExpr":
      return `${n2.op}${toPromQL(n2.expr)}`;
    case "vectorSelector":
      return `${selectorText(n2.name, n2.matchers)}${modifiersText(n2)}`;
  }
}
function describe(n2) {
  switch (n2.type) {
    case "aggregation":
      return `aggregation: ${n2.op}${n2.grouping.length || n2.without ? ` ${n2.without ? "without" : "by"} ${n2.grouping.join(", ") || "()"}` : ""}`;
    case "binaryExpr":
      return `binary operator: ${n2.op}${n2.matching ? ` (${n2.matching.card})` : ""}`;
    case "call":
      return `function: ${n2.func.name} \u2192 ${n2.func.returnType}`;
    case "matrixSelector":
      return `range selector: ${formatDuration(n2.range)}`;
    case "subquery":
      return `subquery: ${formatDuration(n2.range)}${n2.step ? ` every ${formatDuration(n2.step)}` : ""}`;
    case "numberLiteral":
      return "number";
    case "parenExpr":
      return "parentheses";
    case "stringLiteral":
      return "string";
    case "unaryExpr":
      return `unary ${n2.op}`;
    case "vectorSelector":
      return "instant selector";
  }
}

// test/promqlPrint.test.ts
var noMods = { offset: 0, offsetExpr: null, timestamp: null, startOrEnd: null, anchored: false, smoothed: false };
function nameMatcher(name) {
  return name ? [{ name: "__name__", type: "=", value: name }] : [];
}
function sel(name, extra = [], mods = {}) {
  return { type: "vectorSelector", name, matchers: [...nameMatcher(name), ...extra], ...noMods, ...mods };
}
function matrix(name, range, extra = [], mods = {}) {
  return { type: "matrixSelector", name, range, rangeExpr: null, matchers: [...nameMatcher(name), ...extra], ...noMods, ...mods };
}
function call(name, ...args) {
  return { type: "call", func: { name, argTypes: [], variadic: 0, returnType: "vector" }, args };
}
function num(val) {
  return { type: "numberLiteral", val };
}
function bin(op, lhs, rhs, matching = null, bool = false) {
  return { type: "binaryExpr", op, lhs, rhs, bool, matching };
}
function vm(card, labels = [], on = false, include = [], fill = { lhs: null, rhs: null }) {
  return { card, labels, on, include, fillValues: fill };
}
var minute = 6e4;
test5("toPromQL: selectors drop the __name__ matcher their name stands for", () => {
  assert5.equal(toPromQL(sel("up")), "up");
  assert5.equal(toPromQL(sel("up", [{ name: "job", type: "=", value: "api" }, { name: "code", type: "!~", value: "5.." }])), 'up{job="api", code!~"5.."}');
});
test5("toPromQL: a selector without a name keeps every matcher, in order", () => {
  const n2 = sel("", [
    { name: "__name__", type: "=", value: "x" },
    { name: "a", type: "!~", value: "b" }
  ]);
  assert5.equal(toPromQL(n2), '{__name__="x", a!~"b"}');
});
test5("toPromQL: matcher values are escaped, UTF-8 names quoted", () => {
  assert5.equal(toPromQL(sel("x", [{ name: "path", type: "=", value: 'C:\\ "d"' }])), 'x{path="C:\\\\ \\"d\\""}');
  assert5.equal(toPromQL(sel("http.requests", [{ name: "service.name", type: "=", value: "a" }])), '{"http.requests", "service.name"="a"}');
});
test5("toPromQL: aggregation with grouping over a function over a range selector with offset", () => {
  const n2 = {
    type: "aggregation",
    op: "sum",
    expr: call("rate", matrix("http_requests_total", 5 * minute, [{ name: "code", type: "=~", value: "5.." }], { offset: minute })),
    param: null,
    grouping: ["job"],
    without: false
  };
  assert5.equal(toPromQL(n2), 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m))');
});
test5("toPromQL: aggregation parameters, without, and empty by ()", () => {
  assert5.equal(toPromQL({ type: "aggregation", op: "topk", expr: sel("x"), param: num("3"), grouping: [], without: false }), "topk(3, x)");
  assert5.equal(
    toPromQL({ type: "aggregation", op: "count_values", expr: sel("x"), param: { type: "stringLiteral", val: "v" }, grouping: ["a", "b"], without: true }),
    'count_values without (a, b) ("v", x)'
  );
  assert5.equal(toPromQL({ type: "aggregation", op: "sum", expr: sel("x"), param: null, grouping: [], without: true }), "sum without () (x)");
});
test5("toPromQL: vector matching clauses", () => {
  assert5.equal(toPromQL(bin("/", sel("a"), sel("b"), vm("many-to-one", ["instance"], true, ["job"]))), "a / on (instance) group_left (job) b");
  assert5.equal(toPromQL(bin("*", sel("a"), sel("b"), vm("one-to-many", ["i"], true))), "a * on (i) group_right () b");
  assert5.equal(toPromQL(bin("-", sel("a"), sel("b"), vm("one-to-one", ["x"]))), "a - ignoring (x) b");
  assert5.equal(toPromQL(bin("+", sel("a"), sel("b"), vm("one-to-one", [], true))), "a + on () b");
  assert5.equal(toPromQL(bin("and", sel("a"), sel("b"), vm("many-to-many"))), "a and b");
});
test5("toPromQL: bool comparison with a scalar side", () => {
  assert5.equal(toPromQL(bin(">=", sel("a"), num("2"), null, true)), "a >= bool 2");
});
test5("toPromQL: fill modifiers", () => {
  assert5.equal(toPromQL(bin("+", sel("a"), sel("b"), vm("one-to-one", [], false, [], { lhs: 0, rhs: 0 }))), "a + fill (0) b");
  assert5.equal(toPromQL(bin("+", sel("a"), sel("b"), vm("one-to-one", [], false, [], { lhs: 1, rhs: null }))), "a + fill_left (1) b");
  assert5.equal(toPromQL(bin("+", sel("a"), sel("b"), vm("one-to-one", [], false, [], { lhs: 1, rhs: 2 }))), "a + fill_left (1) fill_right (2) b");
});
test5("toPromQL: parentheses, unary minus, literals", () => {
  assert5.equal(toPromQL(bin("*", { type: "parenExpr", expr: bin("+", sel("a"), sel("b"), vm("one-to-one")) }, num("2"))), "(a + b) * 2");
  assert5.equal(toPromQL({ type: "unaryExpr", op: "-", expr: { type: "parenExpr", expr: sel("x") } }), "-(x)");
  assert5.equal(toPromQL({ type: "stringLiteral", val: 'a"b\\c' }), '"a\\"b\\\\c"');
  assert5.equal(toPromQL(num("+Inf")), "+Inf");
  assert5.equal(toPromQL(num("-1.5")), "-1.5");
});
test5("toPromQL: function calls, with none, one and several arguments", () => {
  assert5.equal(toPromQL(call("time")), "time()");
  assert5.equal(
    toPromQL(call("label_join", sel("up"), ...["a", ",", "b", "c"].map((val) => ({ type: "stringLiteral", val })))),
    'label_join(up, "a", ",", "b", "c")'
  );
});
test5("toPromQL: subquery with @ and a negative offset", () => {
  const sub = { type: "subquery", expr: call("rate", matrix("x", minute)), range: 30 * minute, rangeExpr: null, step: minute, stepExpr: null, ...noMods, offset: -5 * minute, timestamp: 17e11 };
  assert5.equal(toPromQL(call("max_over_time", sub)), "max_over_time(rate(x[1m])[30m:1m] @ 1700000000.000 offset -5m)");
});
test5("toPromQL: subquery without a step; @ start() and end()", () => {
  assert5.equal(toPromQL({ type: "subquery", expr: sel("x"), range: 5 * minute, rangeExpr: null, step: 0, stepExpr: null, ...noMods }), "x[5m:]");
  assert5.equal(toPromQL(sel("x", [], { startOrEnd: "end" })), "x @ end()");
  assert5.equal(toPromQL(matrix("x", 90 * minute, [], { startOrEnd: "start", offset: 1500 })), "x[1h30m] @ start() offset 1s500ms");
  assert5.equal(toPromQL(sel("x", [], { timestamp: 1700000000250 })), "x @ 1700000000.250");
});
test5("toPromQL: anchored and smoothed range selectors", () => {
  assert5.equal(toPromQL(call("rate", matrix("x", 5 * minute, [], { anchored: true }))), "rate(x[5m] anchored)");
  assert5.equal(toPromQL(call("rate", matrix("x", 5 * minute, [], { smoothed: true }))), "rate(x[5m] smoothed)");
});
test5("toPromQL: duration expressions in ranges and offsets", () => {
  const d3 = (val, duration = true) => ({ type: "numberLiteral", val, duration });
  const range = { type: "durationExpr", op: "*", lhs: d3("300"), rhs: d3("2", false) };
  const offset = { type: "durationExpr", op: "+", lhs: d3("3600"), rhs: d3("300"), wrapped: true };
  assert5.equal(toPromQL({ ...matrix("x", 10 * minute), rangeExpr: range, offsetExpr: offset }), "x[5m * 2] offset (1h + 5m)");
});
test5("children: parameter before the expression, operands, arguments, leaves", () => {
  const agg = { type: "aggregation", op: "topk", expr: sel("x"), param: num("3"), grouping: [], without: false };
  assert5.deepEqual(children(agg).map(toPromQL), ["3", "x"]);
  assert5.deepEqual(children(bin("/", sel("a"), sel("b"))).map(toPromQL), ["a", "b"]);
  assert5.deepEqual(children(call("clamp", sel("x"), num("0"), num("1"))).map(toPromQL), ["x", "0", "1"]);
  assert5.deepEqual(children(matrix("x", minute)), []);
});
test5("describe: what each node does", () => {
  assert5.equal(describe({ type: "aggregation", op: "sum", expr: sel("x"), param: null, grouping: ["job", "le"], without: false }), "aggregation: sum by job, le");
  assert5.equal(describe(bin("/", sel("a"), sel("b"), vm("many-to-one", ["i"], true))), "binary operator: / (many-to-one)");
  assert5.equal(describe(matrix("x", 90 * minute)), "range selector: 1h30m");
  assert5.equal(describe({ type: "subquery", expr: sel("x"), range: 30 * minute, rangeExpr: null, step: minute, stepExpr: null, ...noMods }), "subquery: 30m every 1m");
});

// test/remoteWrite.test.ts
import assert6 from "node:assert/strict";
import { test as test6 } from "node:test";

// src/pages/status/remoteWrite.ts
function formatCount(n2) {
  return n2.toLocaleString("en-US");
}
function formatBytes(n2) {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  if (!Number.isFinite(n2) || Math.abs(n2) < 1024) return `${n2} B`;
  let v3 = n2;
  let unit = "";
  for (const u3 of units) {
    if (Math.abs(v3) < 1024) break;
    v3 /= 1024;
    unit = u3;
  }
  return `${v3.toFixed(1)} ${unit}`;
}
function protocolVersion(protobufMessage) {
  if (protobufMessage === "prometheus.WriteRequest") return "1.0";
  if (protobufMessage === "io.prometheus.write.v2.Request") return "2.0";
  return protobufMessage;
}
function formatShards(shards) {
  const desired = typeof shards.desired === "number" && Number.isFinite(shards.desired) ? String(Number(shards.desired.toFixed(2))) : "?";
  return `${shards.current} / ${desired} desired (min ${shards.min}, max ${shards.max})`;
}
var dropReasons = [
  ["too_old", "too old"],
  ["dropped_series", "dropped series"],
  ["unintentionally_dropped_series", "unknown series"],
  ["stopped", "queue stopped"]
];
function formatDropped(dropped) {
  let total = 0;
  const parts = [];
  for (const [key, text] of dropReasons) {
    const n2 = dropped[key] ?? 0;
    total += n2;
    if (n2 > 0) parts.push(`${text} ${formatCount(n2)}`);
  }
  return parts.length === 0 ? "0" : `${formatCount(total)} (${parts.join(", ")})`;
}
function formatLag(queue) {
  if (parseApiTime(queue.highestTimestamp) === null) return "no samples queued yet";
  if (parseApiTime(queue.highestSentTimestamp) === null) return "nothing sent yet";
  const s2 = queue.lagSeconds;
  if (!Number.isFinite(s2)) return String(s2);
  return Math.abs(s2) < 1 ? formatDuration(s2 * 1e3) : formatDuration(Math.round(s2) * 1e3);
}
function formatOptionalTime(text, never = "never", local) {
  const ms = parseApiTime(text);
  return ms === null ? never : formatTime(ms, false, local);
}
function formatWalPosition(wal) {
  const notes = [];
  if (wal.currentSegment >= 0) notes.push(`reading segment ${wal.currentSegment}`);
  if (wal.resumed) notes.push("resumed");
  const base = `segment ${wal.segment}, offset ${formatCount(wal.offset)}`;
  return notes.length === 0 ? base : `${base} (${notes.join(", ")})`;
}

// test/remoteWrite.test.ts
var noDrops = { too_old: 0, dropped_series: 0, unintentionally_dropped_series: 0, stopped: 0 };
test6("formatCount: thousands separated", () => {
  assert6.equal(formatCount(0), "0");
  assert6.equal(formatCount(999), "999");
  assert6.equal(formatCount(1234567), "1,234,567");
});
test6("formatBytes: bytes below 1 KiB, then binary units with one decimal", () => {
  assert6.equal(formatBytes(0), "0 B");
  assert6.equal(formatBytes(1023), "1023 B");
  assert6.equal(formatBytes(1024), "1.0 KiB");
  assert6.equal(formatBytes(1536), "1.5 KiB");
  assert6.equal(formatBytes(5 * 1024 ** 2 + 300 * 1024), "5.3 MiB");
  assert6.equal(formatBytes(3 * 1024 ** 4), "3.0 TiB");
});
test6("protocolVersion: 1.0 and 2.0 messages; anything else by name", () => {
  assert6.equal(protocolVersion("prometheus.WriteRequest"), "1.0");
  assert6.equal(protocolVersion("io.prometheus.write.v2.Request"), "2.0");
  assert6.equal(protocolVersion("something.Else"), "something.Else");
});
test6("formatShards: current / desired (two decimals at most), then the bounds", () => {
  assert6.equal(formatShards({ current: 1, desired: 0.8, min: 1, max: 50, capacity: 1e4 }), "1 / 0.8 desired (min 1, max 50)");
  assert6.equal(formatShards({ current: 3, desired: 2.456789, min: 1, max: 200, capacity: 1e4 }), "3 / 2.46 desired (min 1, max 200)");
  assert6.equal(formatShards({ current: 4, desired: 4, min: 2, max: 8, capacity: 10 }), "4 / 4 desired (min 2, max 8)");
  assert6.equal(formatShards({ current: 1, desired: null, min: 1, max: 50, capacity: 1 }), "1 / ? desired (min 1, max 50)");
});
test6("formatDropped: zero, or the total and each reason that dropped any", () => {
  assert6.equal(formatDropped(noDrops), "0");
  assert6.equal(formatDropped({ ...noDrops, too_old: 5 }), "5 (too old 5)");
  assert6.equal(
    formatDropped({ too_old: 1e3, dropped_series: 2, unintentionally_dropped_series: 3, stopped: 4 }),
    "1,009 (too old 1,000, dropped series 2, unknown series 3, queue stopped 4)"
  );
});
test6("formatLag: milliseconds under a second, whole seconds above", () => {
  const sent = { highestTimestamp: "2026-12-05T00:10:00Z", highestSentTimestamp: "2026-12-05T00:09:00Z" };
  assert6.equal(formatLag({ ...sent, lagSeconds: 0 }), "0s");
  assert6.equal(formatLag({ ...sent, lagSeconds: 0.25 }), "250ms");
  assert6.equal(formatLag({ ...sent, lagSeconds: 1.4 }), "1s");
  assert6.equal(formatLag({ ...sent, lagSeconds: 90.6 }), "1m31s");
  assert6.equal(formatLag({ ...sent, lagSeconds: 2 * 86400 + 3600 }), "2d1h");
});
test6("formatLag: words before anything is queued or sent", () => {
  assert6.equal(formatLag({ lagSeconds: 0, highestTimestamp: null, highestSentTimestamp: null }), "no samples queued yet");
  assert6.equal(formatLag({ lagSeconds: 0, highestTimestamp: "2026-12-05T00:10:00Z", highestSentTimestamp: null }), "nothing sent yet");
});
test6("formatOptionalTime: UTC or local time per the setting; null is never", () => {
  const text = "2026-12-04T21:43:24.005Z";
  assert6.equal(formatOptionalTime(text, "never", false), "2026-12-04 21:43:24");
  assert6.equal(formatOptionalTime(text, "never", true), "2026-12-05 03:13:24");
  assert6.equal(formatOptionalTime(null), "never");
  assert6.equal(formatOptionalTime(null, "not yet"), "not yet");
  assert6.equal(formatOptionalTime(text), "2026-12-04 21:43:24");
  useLocalTime.set(true);
  try {
    assert6.equal(formatOptionalTime(text), "2026-12-05 03:13:24");
  } finally {
    useLocalTime.set(false);
  }
});
test6("formatWalPosition: sent-up-to position, the segment being read, resumed", () => {
  assert6.equal(formatWalPosition({ segment: 0, offset: 0, currentSegment: -1, resumed: false }), "segment 0, offset 0");
  assert6.equal(
    formatWalPosition({ segment: 3, offset: 12345, currentSegment: 4, resumed: false }),
    "segment 3, offset 12,345 (reading segment 4)"
  );
  assert6.equal(
    formatWalPosition({ segment: 3, offset: 7, currentSegment: 3, resumed: true }),
    "segment 3, offset 7 (reading segment 3, resumed)"
  );
});

// test/urlState.test.ts
import assert7 from "node:assert/strict";
import { test as test7 } from "node:test";

// src/pages/query/urlState.ts
var nextId = 1;
function newPanel(expr = "") {
  return {
    id: nextId++,
    expr,
    tab: "table",
    endTime: null,
    range: 36e5,
    resolution: { type: "auto", density: "medium" },
    stacked: false
  };
}
function effectiveStep(res, range) {
  if (res.type !== "auto") return res.step;
  const factor = res.density === "high" ? 750 : res.density === "medium" ? 250 : 100;
  return Math.max(Math.floor(range / factor / 1e3) * 1e3, 1e3);
}
function pad2(n2) {
  return String(n2).padStart(2, "0");
}
function formatUrlTime(ms) {
  const d3 = new Date(ms);
  return `${d3.getUTCFullYear()}-${pad2(d3.getUTCMonth() + 1)}-${pad2(d3.getUTCDate())} ${pad2(d3.getUTCHours())}:${pad2(d3.getUTCMinutes())}:${pad2(d3.getUTCSeconds())}`;
}
function parseUrlTime(text) {
  const m3 = text.trim().match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/);
  if (!m3) return null;
  let ms = Date.UTC(+m3[1], +m3[2] - 1, +m3[3], +(m3[4] ?? 0), +(m3[5] ?? 0), +(m3[6] ?? 0), +(m3[7] ?? "0").padEnd(3, "0"));
  if (m3[8] && m3[8] !== "Z") {
    const sign = m3[8][0] === "-" ? -1 : 1;
    const digits = m3[8].slice(1).replace(":", "");
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 6e4;
  }
  return Number.isNaN(ms) ? null : ms;
}
function decodePanels(search) {
  const panels = [];
  for (let i3 = 0; search.has(`g${i3}.expr`); i3++) {
    const get = (name) => search.get(`g${i3}.${name}`);
    const p3 = newPanel(get("expr") ?? "");
    const tab = get("tab");
    if (tab === "0" || tab === "graph") p3.tab = "graph";
    else if (tab === "1" || tab === "table") p3.tab = "table";
    else if (tab === "explain") p3.tab = "explain";
    const mode = get("display_mode");
    if (mode !== null) p3.stacked = mode === "stacked";
    const stacked = get("stacked");
    if (stacked !== null) p3.stacked = stacked === "1";
    const range = get("range_input");
    if (range !== null) p3.range = parseDuration(range) || p3.range;
    for (const name of ["end_input", "moment_input"]) {
      const v3 = get(name);
      if (v3) {
        const t4 = parseUrlTime(v3);
        if (t4 !== null) p3.endTime = t4;
      }
    }
    const legacyStep = get("step_input") ?? get("res");
    if (legacyStep !== null && parseFloat(legacyStep) > 0) p3.resolution = { type: "custom", step: parseFloat(legacyStep) * 1e3 };
    const resType = get("res_type");
    if (resType === "auto") {
      const d3 = get("res_density");
      if (d3 === "low" || d3 === "medium" || d3 === "high") p3.resolution = { type: "auto", density: d3 };
    } else if (resType === "fixed" || resType === "custom") {
      const step2 = parseFloat(get("res_step") ?? "");
      if (step2 > 0) p3.resolution = { type: resType, step: step2 * 1e3 };
    }
    panels.push(p3);
  }
  return panels;
}
function encodePanels(panels) {
  const out = new URLSearchParams();
  panels.forEach((p3, i3) => {
    const add = (name, value) => out.append(`g${i3}.${name}`, value);
    add("expr", p3.expr);
    add("show_tree", "0");
    add("tab", p3.tab);
    if (p3.endTime !== null) {
      add("end_input", formatUrlTime(p3.endTime));
      add("moment_input", formatUrlTime(p3.endTime));
    }
    add("range_input", formatDuration(p3.range));
    if (p3.resolution.type === "auto") {
      add("res_type", "auto");
      add("res_density", p3.resolution.density);
    } else {
      add("res_type", p3.resolution.type);
      add("res_step", String(p3.resolution.step / 1e3));
    }
    add("display_mode", p3.stacked ? "stacked" : "lines");
    add("show_exemplars", "0");
  });
  return out;
}

// test/urlState.test.ts
var ninePm = Date.UTC(2026, 11, 4, 21, 0, 0);
function decode(query) {
  return decodePanels(new URLSearchParams(query)).map(({ id: _id, ...rest }) => rest);
}
function panel(fields) {
  return { ...newPanel(), ...fields };
}
test7("newPanel: a table over the last hour at medium density, each with its own id", () => {
  const a3 = newPanel("up");
  const b2 = newPanel();
  assert7.notEqual(a3.id, b2.id);
  assert7.deepEqual(
    { ...a3, id: 0 },
    { id: 0, expr: "up", tab: "table", endTime: null, range: 36e5, resolution: { type: "auto", density: "medium" }, stacked: false }
  );
});
test7("encodePanels: Prometheus 3.x names, in its order", () => {
  const p3 = panel({ expr: "rate(x[5m])", tab: "graph", endTime: ninePm, range: 90 * 6e4, resolution: { type: "fixed", step: 15e3 }, stacked: true });
  assert7.deepEqual(
    [...encodePanels([p3]).entries()],
    [
      ["g0.expr", "rate(x[5m])"],
      ["g0.show_tree", "0"],
      ["g0.tab", "graph"],
      ["g0.end_input", "2026-12-04 21:00:00"],
      ["g0.moment_input", "2026-12-04 21:00:00"],
      ["g0.range_input", "1h30m"],
      ["g0.res_type", "fixed"],
      ["g0.res_step", "15"],
      ["g0.display_mode", "stacked"],
      ["g0.show_exemplars", "0"]
    ]
  );
});
test7('encodePanels: "now" writes no end time; auto resolution writes its density', () => {
  const params = encodePanels([panel({ expr: "up" }), panel({ expr: "down", tab: "explain" })]);
  assert7.equal(params.has("g0.end_input"), false);
  assert7.equal(params.has("g0.moment_input"), false);
  assert7.equal(params.get("g0.res_type"), "auto");
  assert7.equal(params.get("g0.res_density"), "medium");
  assert7.equal(params.has("g0.res_step"), false);
  assert7.equal(params.get("g0.display_mode"), "lines");
  assert7.equal(params.get("g1.expr"), "down");
  assert7.equal(params.get("g1.tab"), "explain");
});
test7("decodePanels: Prometheus 3.x parameters", () => {
  const query = "g0.expr=up&g0.show_tree=0&g0.tab=explain&g0.range_input=2h&g0.res_type=auto&g0.res_density=high&g0.display_mode=lines&g1.expr=sum(x)&g1.tab=graph&g1.end_input=2026-12-04%2021%3A00%3A00&g1.res_type=custom&g1.res_step=0.5&g1.display_mode=stacked";
  assert7.deepEqual(decode(query), [
    { expr: "up", tab: "explain", endTime: null, range: 2 * 36e5, resolution: { type: "auto", density: "high" }, stacked: false },
    { expr: "sum(x)", tab: "graph", endTime: ninePm, range: 36e5, resolution: { type: "custom", step: 500 }, stacked: true }
  ]);
});
test7("decodePanels: Prometheus 2.x graph (tab=0, stacked, step_input, end_input without seconds)", () => {
  const query = "g0.expr=up&g0.tab=0&g0.stacked=1&g0.range_input=1d&g0.end_input=2026-12-04%2021%3A00&g0.step_input=30";
  assert7.deepEqual(decode(query), [
    { expr: "up", tab: "graph", endTime: ninePm, range: 24 * 36e5, resolution: { type: "custom", step: 3e4 }, stacked: true }
  ]);
});
test7("decodePanels: Prometheus 2.x table (tab=1, moment_input) and stacked=0", () => {
  const query = "g0.expr=up&g0.tab=1&g0.stacked=0&g0.moment_input=2026-12-04%2021%3A00%3A00";
  assert7.deepEqual(decode(query), [
    { expr: "up", tab: "table", endTime: ninePm, range: 36e5, resolution: { type: "auto", density: "medium" }, stacked: false }
  ]);
});
test7("decodePanels: moment_input wins over end_input, stacked over display_mode", () => {
  const [p3] = decode("g0.expr=up&g0.end_input=2026-01-01%2000%3A00%3A00&g0.moment_input=2026-12-04%2021%3A00%3A00&g0.display_mode=lines&g0.stacked=1");
  assert7.equal(p3.endTime, ninePm);
  assert7.equal(p3.stacked, true);
});
test7("decodePanels: a time that does not parse leaves the other one", () => {
  const [p3] = decode("g0.expr=up&g0.end_input=2026-12-04%2021%3A00%3A00&g0.moment_input=never");
  assert7.equal(p3.endTime, ninePm);
});
test7("decodePanels: 3.x res_type overrides 2.x step_input", () => {
  const [p3] = decode("g0.expr=up&g0.step_input=30&g0.res_type=fixed&g0.res_step=60");
  assert7.deepEqual(p3.resolution, { type: "fixed", step: 6e4 });
});
test7("decodePanels: panels end at the first missing gN.expr", () => {
  assert7.deepEqual(decode(""), []);
  assert7.deepEqual(decode("g1.expr=b").length, 0);
  assert7.deepEqual(
    decode("g0.expr=a&g1.expr=&g3.expr=d").map((p3) => p3.expr),
    ["a", ""]
  );
});
test7("decodePanels: bad values leave the defaults", () => {
  const [p3] = decode(
    "g0.expr=up&g0.tab=chart&g0.range_input=an%20hour&g0.end_input=yesterday&g0.step_input=-1&g0.res_type=fixed&g0.res_step=0&g0.res_density=ultra"
  );
  assert7.deepEqual(p3, { expr: "up", tab: "table", endTime: null, range: 36e5, resolution: { type: "auto", density: "medium" }, stacked: false });
  assert7.equal(decode("g0.expr=up&g0.range_input=0s")[0].range, 36e5);
  assert7.deepEqual(decode("g0.expr=up&g0.res_type=auto&g0.res_density=ultra")[0].resolution, { type: "auto", density: "medium" });
});
test7("encodePanels then decodePanels: every setting survives", () => {
  const panels = [
    panel({ expr: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))', tab: "graph", endTime: ninePm, range: 379 * 24 * 36e5, resolution: { type: "custom", step: 500 }, stacked: true }),
    panel({ expr: 'up == 0 & "a+b"', tab: "table", endTime: null, range: 90 * 6e4, resolution: { type: "auto", density: "low" }, stacked: false }),
    panel({ expr: "", tab: "explain", endTime: Date.UTC(1999, 0, 1, 0, 0, 1), range: 1e3, resolution: { type: "fixed", step: 36e5 }, stacked: false })
  ];
  const decoded = decodePanels(new URLSearchParams(encodePanels(panels).toString()));
  assert7.deepEqual(
    decoded.map(({ id: _id, ...rest }) => rest),
    panels.map(({ id: _id, ...rest }) => rest)
  );
});
test7("formatUrlTime: UTC, whole seconds", () => {
  assert7.equal(formatUrlTime(ninePm), "2026-12-04 21:00:00");
  assert7.equal(formatUrlTime(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), "2026-01-02 03:04:05");
});
test7("parseUrlTime: the formats bookmarks carry", () => {
  assert7.equal(parseUrlTime("2026-12-04 21:00:00"), ninePm);
  assert7.equal(parseUrlTime("2026-12-04 21:00"), ninePm);
  assert7.equal(parseUrlTime(" 2026-12-04T21:00:00Z "), ninePm);
  assert7.equal(parseUrlTime("2026-12-04"), Date.UTC(2026, 11, 4));
  assert7.equal(parseUrlTime("2026-12-04T21:00:00.123456Z"), ninePm + 123);
  assert7.equal(parseUrlTime("2026-12-04T21:00:00.5"), ninePm + 500);
  assert7.equal(parseUrlTime("2026-12-04T23:00:00+02:00"), ninePm);
  assert7.equal(parseUrlTime("2026-12-04T16:30:00-0430"), ninePm);
});
test7("parseUrlTime: null for what is not a time", () => {
  for (const text of ["", "yesterday", "1733346000", "2026-12-04 21", "04/12/2026 21:00"]) {
    assert7.equal(parseUrlTime(text), null, JSON.stringify(text));
  }
});
test7("effectiveStep: auto is range / 100, 250 or 750 points, whole seconds, at least 1s", () => {
  const hour = 36e5;
  assert7.equal(effectiveStep({ type: "auto", density: "low" }, hour), 36e3);
  assert7.equal(effectiveStep({ type: "auto", density: "medium" }, hour), 14e3);
  assert7.equal(effectiveStep({ type: "auto", density: "high" }, hour), 4e3);
  assert7.equal(effectiveStep({ type: "auto", density: "low" }, 6e4), 1e3);
});
test7("effectiveStep: fixed and custom steps are kept", () => {
  assert7.equal(effectiveStep({ type: "fixed", step: 15e3 }, 36e5), 15e3);
  assert7.equal(effectiveStep({ type: "custom", step: 500 }, 24 * 36e5), 500);
});
