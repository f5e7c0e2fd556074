const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text and attribute values in SVG and HTML alike: class names and notes come from user specs. */
export const escapeXml = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
