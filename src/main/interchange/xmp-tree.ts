import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XMP as RDF values, with every name resolved to its namespace URI (`{uri}local`), so that a
 * file declaring `xmlns:foo="http://www.metadataworkinggroup.com/schemas/regions/"` reads the same
 * as one using the usual `mwg-rs` prefix. Kept free of any region semantics (xmp-regions.ts).
 */

/** A packet larger than this is not read: real region packets are a few kilobytes. */
export const MAX_XMP_BYTES = 2 * 1024 * 1024;
/**
 * Nor one with more tags or attributes than this (counted before parsing): two megabytes of empty
 * tags took the parser 3–4 s, a packet at this limit about 0.3 s (docs/xmp.md). Catalogue sidecars
 * with full edit histories stay in the low thousands.
 */
export const MAX_XMP_NODES = 10_000;

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  x: 'adobe:ns:meta/',
  mwgRs: 'http://www.metadataworkinggroup.com/schemas/regions/',
  stArea: 'http://ns.adobe.com/xmp/sType/Area#',
  stDim: 'http://ns.adobe.com/xap/1.0/sType/Dimensions#',
  mp: 'http://ns.microsoft.com/photo/1.2/',
  mpri: 'http://ns.microsoft.com/photo/1.2/t/RegionInfo#',
  mpreg: 'http://ns.microsoft.com/photo/1.2/t/Region#',
} as const;

export const qname = (ns: string, local: string) => `{${ns}}${local}`;

/** An RDF value: a simple string, a struct (property → value) or an array (Bag, Seq, Alt). */
export type XmpValue = string | XmpStruct | XmpValue[];
export type XmpStruct = Map<string, XmpValue>;

/** Why a packet was not read, in words for the user. */
export class XmpRejected extends Error {}

interface Element {
  name: string;
  attributes: Map<string, string>;
  children: Element[];
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Never expand entities (a "billion laughs" packet is refused before this anyway): the five
  // predefined ones and character references are decoded by hand below.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return safeCodePoint(parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10), whole);
    return PREDEFINED[ref] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** Parses a packet into namespace-resolved elements, refusing what could hurt (see MAX_XMP_BYTES). */
export function parseXmp(packet: string | Buffer): Element {
  const size = typeof packet === 'string' ? Buffer.byteLength(packet) : packet.length;
  if (size > MAX_XMP_BYTES) {
    throw new XmpRejected(
      `it is ${Math.round(size / 1024)} KiB, over Kindred's limit of ${MAX_XMP_BYTES / 1024} KiB for XMP`,
    );
  }
  // A BOM or xpacket wrapper is fine; a DOCTYPE is never needed by XMP and is how entity
  // expansion attacks ("billion laughs", external entities) get in.
  const text = (typeof packet === 'string' ? packet : packet.toString('utf8')).replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new XmpRejected('it declares a DOCTYPE or entities, which Kindred never reads in XMP');
  }
  const elements = countMatches(text, /</g);
  const attributes = countMatches(text, /=\s*["']/g);
  if (elements > MAX_XMP_NODES || attributes > MAX_XMP_NODES) {
    throw new XmpRejected(
      `it has ${Math.max(elements, attributes)} XML tags or attributes, over Kindred's limit of ${MAX_XMP_NODES} for XMP`,
    );
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmpRejected(`it is not well-formed XML (${brief(valid.err.msg)} at line ${valid.err.line})`);
  }
  let nodes: OrderedNode[];
  try {
    nodes = PARSER.parse(text) as OrderedNode[];
  } catch (error) {
    throw new XmpRejected(`it is not well-formed XML (${brief((error as Error).message)})`);
  }
  const root: Element = { name: '#document', attributes: new Map(), children: [], text: '' };
  root.children = resolve(nodes, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
  return root;
}

function countMatches(text: string, pattern: RegExp): number {
  let count = 0;
  for (pattern.lastIndex = 0; pattern.exec(text);) count++;
  return count;
}

/** The parser's messages can quote a whole stack of tags: the warning is shown to the user. */
function brief(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

function resolve(nodes: OrderedNode[], scope: Map<string, string>): Element[] {
  const elements: Element[] = [];
  for (const node of nodes) {
    const tag = Object.keys(node).find((key) => key !== ':@');
    if (!tag || tag === '#text' || tag.startsWith('?') || tag === '#comment') continue;
    const raw = node[':@'] ?? {};
    // A copy of the scope only where namespaces are declared (a few elements of a packet).
    let inner = scope;
    for (const [name, value] of Object.entries(raw)) {
      if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
      if (inner === scope) inner = new Map(scope);
      inner.set(name === 'xmlns' ? '' : name.slice(6), value);
    }
    const attributes = new Map<string, string>();
    for (const [name, value] of Object.entries(raw)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      attributes.set(expand(name, inner, false), decodeText(String(value)));
    }
    const content = (node[tag] as OrderedNode[] | undefined) ?? [];
    const text = content
      .filter((child) => '#text' in child)
      .map((child) => String(child['#text']))
      .join('');
    elements.push({
      name: expand(tag, inner, true),
      attributes,
      children: resolve(content, inner),
      text: decodeText(text),
    });
  }
  return elements;
}

function expand(name: string, scope: Map<string, string>, isElement: boolean): string {
  const colon = name.indexOf(':');
  if (colon < 0) return isElement && scope.has('') ? qname(scope.get('')!, name) : name;
  const uri = scope.get(name.slice(0, colon));
  return uri === undefined ? name : qname(uri, name.slice(colon + 1));
}

const RDF = (local: string) => qname(NS.rdf, local);

/** Every top-level property of the packet (all rdf:Description blocks merged; the first wins). */
export function topLevelProperties(root: Element): XmpStruct {
  const properties: XmpStruct = new Map();
  const visit = (element: Element) => {
    if (element.name === RDF('Description')) {
      for (const [name, value] of descriptionProperties(element)) {
        if (!properties.has(name)) properties.set(name, value);
      }
      return;
    }
    for (const child of element.children) visit(child);
  };
  visit(root);
  return properties;
}

const RDF_ATTRIBUTES = new Set(['about', 'parseType', 'resource', 'ID', 'nodeID', 'datatype'].map(RDF));

/** The properties of a resource: its attributes (shorthand) and its child elements. */
function descriptionProperties(element: Element): XmpStruct {
  const properties: XmpStruct = new Map();
  for (const [name, value] of element.attributes) {
    if (!RDF_ATTRIBUTES.has(name) && !name.startsWith('{http://www.w3.org/XML/1998/namespace}')) {
      properties.set(name, value);
    }
  }
  for (const child of element.children) properties.set(child.name, propertyValue(child));
  return properties;
}

/** The value of a property element, in any of RDF's spellings of a struct, array or simple value. */
function propertyValue(element: Element): XmpValue {
  if (element.attributes.get(RDF('parseType')) === 'Resource') return descriptionProperties(element);
  const container = element.children.find((child) =>
    [RDF('Bag'), RDF('Seq'), RDF('Alt')].includes(child.name),
  );
  if (container) {
    return container.children.filter((child) => child.name === RDF('li')).map(propertyValue);
  }
  const description = element.children.find((child) => child.name === RDF('Description'));
  if (description) return descriptionProperties(description);
  if (element.children.length > 0) return descriptionProperties(element);
  const shorthand = descriptionProperties(element);
  return shorthand.size > 0 ? shorthand : element.text.trim();
}
