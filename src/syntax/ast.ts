// The AST produced by grammar/route.peggy. Every node keeps its span so that diagnostics can
// underline exactly what the user wrote; the formatter prints from this tree plus `comments`.
import type { Span } from "./span.ts";

export interface Node {
  span: Span;
}

// ---- values -------------------------------------------------------------------------------

export interface StringLit extends Node {
  kind: "string";
  value: string;
  raw: string;
}
export interface NumberLit extends Node {
  kind: "number";
  value: number;
  raw: string;
}
/** `250ms`, `10s`, `5m`, `1h`, `7d`, `1.5s` */
export interface DurationLit extends Node {
  kind: "duration";
  ms: number;
  raw: string;
}
/** `128k`, `1M`, `2G` (decimal: 128k = 128,000) */
export interface SizeLit extends Node {
  kind: "size";
  value: number;
  raw: string;
}
/** `$0.15` */
export interface MoneyLit extends Node {
  kind: "money";
  usd: number;
  raw: string;
}
/** `50%` (value is 50) */
export interface PercentLit extends Node {
  kind: "percent";
  value: number;
  raw: string;
}
/** `500/min`, `1M/day`, `$5/month`. A mistyped unit (`/mni`) is kept as written in `per`; the checker reports it (SY2052). */
export interface RateLit extends Node {
  kind: "rate";
  amount: NumberLit | SizeLit | MoneyLit;
  per: "second" | "minute" | "hour" | "day" | "month";
  raw: string;
}
/** `5xx`, `4xx` */
export interface StatusClassLit extends Node {
  kind: "status_class";
  value: number;
  raw: string;
}
export interface BoolLit extends Node {
  kind: "bool";
  value: boolean;
}
/** `quoted` is set for a quoted key such as a header name: `"OpenAI-Organization" "org-1"`. */
export interface Ident extends Node {
  kind: "ident";
  name: string;
  quoted?: boolean;
}
export interface ListLit extends Node {
  kind: "list";
  items: ListItem[];
}
/** A list item with an optional weight: `gpt4o 70%` or `claude 3`. */
export interface ListItem extends Node {
  value: Value;
  weight: NumberLit | PercentLit | null;
}
export interface Block extends Node {
  kind: "block";
  members: Member[];
}
/** `env("OPENAI_API_KEY")` */
export interface Call extends Node {
  kind: "call";
  callee: Ident;
  args: Value[];
}

export type Value =
  | StringLit
  | NumberLit
  | DurationLit
  | SizeLit
  | MoneyLit
  | PercentLit
  | RateLit
  | StatusClassLit
  | BoolLit
  | Ident
  | ListLit
  | Block
  | Call;

// ---- members ------------------------------------------------------------------------------

/** `key value`, e.g. `base_url "https://…"`, `retry { attempts 3 }` */
export interface Property extends Node {
  kind: "property";
  key: Ident;
  value: Value;
}

/** `when <cond> -> <target> { settings }` or `otherwise -> <target> { settings }` */
export interface Rule extends Node {
  kind: "rule";
  keyword: Node & { text: "when" | "otherwise" };
  cond: Cond | null; // null for `otherwise`
  target: Target;
  settings: Block | null;
}

export type Member = Property | Rule;

// ---- conditions ---------------------------------------------------------------------------

/** A bare capability word: `tools`, `vision`, `json`, `stream`, … */
export interface CapCond extends Node {
  kind: "cap";
  name: Ident;
}
export interface AndCond extends Node {
  kind: "and";
  left: Cond;
  right: Cond;
}
export interface OrCond extends Node {
  kind: "or";
  left: Cond;
  right: Cond;
}
export interface NotCond extends Node {
  kind: "not";
  operand: Cond;
}
/** Parentheses the user wrote; kept so the formatter reprints them. */
export interface GroupCond extends Node {
  kind: "group";
  inner: Cond;
}
export interface CompareCond extends Node {
  kind: "compare";
  subject: Subject;
  op: Node & { text: string };
  value: Value;
}
/** `key search-team`: the request was authenticated as that declared key. */
export interface KeyCond extends Node {
  kind: "key";
  name: Name;
}
/** `tag team "search"`: the calling key (or its team) carries that tag. */
export interface TagCond extends Node {
  kind: "tag";
  name: Ident;
  value: StringLit;
}
export type Cond = CapCond | AndCond | OrCond | NotCond | GroupCond | CompareCond | KeyCond | TagCond;

/** What a comparison looks at: `tokens`, `header "x-tier"`, `metadata "team"`, `param temperature`. */
export type Subject =
  | (Node & { kind: "tokens" })
  | (Node & { kind: "header"; name: StringLit })
  | (Node & { kind: "metadata"; name: StringLit })
  | (Node & { kind: "param"; name: Ident | StringLit });

// ---- targets ------------------------------------------------------------------------------

/** `[a, b, c]`: try in order. */
export interface ChainTarget extends Node {
  kind: "chain";
  items: TargetItem[];
}
/** `round_robin [a, b]`, `weighted [a 3, b 1]`, `sticky(header "x-session") [a, b]`, … */
export interface StrategyTarget extends Node {
  kind: "strategy";
  strategy: Ident;
  key: Subject | null; // only for sticky
  items: TargetItem[];
}
/** `route other` */
export interface RouteTarget extends Node {
  kind: "route_ref";
  name: Name;
}
/** `split [ [a, b] 70%, route other 30% ]`: one arm per request, chosen by weight. */
export interface SplitTarget extends Node {
  kind: "split";
  arms: SplitArm[];
}
export interface SplitArm extends Node {
  target: Target;
  weight: NumberLit | PercentLit | null;
}
/** A model reference inside a chain or strategy, with an optional weight. */
export interface TargetItem extends Node {
  ref: Ident;
  weight: NumberLit | PercentLit | null;
}
/** A single bare model name as a target: `-> gpt4o`. */
export interface ModelTarget extends Node {
  kind: "model";
  ref: Ident;
}
export type Target = ChainTarget | StrategyTarget | RouteTarget | SplitTarget | ModelTarget;

// ---- declarations -------------------------------------------------------------------------

/** Route names may be quoted so that clients can call e.g. `"openai/gpt-4o"`. */
export interface Name extends Node {
  value: string;
  quoted: boolean;
}

export type DeclKind = "provider" | "model" | "route" | "defaults" | "gateway" | "key" | "team";

export interface Decl extends Node {
  kind: DeclKind;
  keyword: Node;
  name: Name | null; // null for defaults and gateway
  body: Block;
}

export interface Comment extends Node {
  text: string;
} // text includes the leading `#`

export interface Policy extends Node {
  kind: "policy";
  file: string;
  items: Decl[];
  comments: Comment[];
}
