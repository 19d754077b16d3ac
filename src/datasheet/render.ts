import { readFile } from 'node:fs/promises';
import { templatePath } from '../io/paths.js';
import type { Block, DatasheetDocument, FieldRow } from './document.js';

/** Fill `{{name}}` slots of a template in `templates/`; a slot without a value is an error. */
export async function fillTemplate(name: string, values: Record<string, string>): Promise<string> {
  const template = await readFile(templatePath(name), 'utf8');
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name} has an unknown slot {{${key}}}`);
    return value;
  });
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function mdBlock(block: Block): string {
  switch (block.kind) {
    case 'fields':
      return block.rows
        .map((r) => `- **${r.label}**${r.measured ? ' *(measured)*' : ''}: ${r.value}`)
        .join('\n');
    case 'table': {
      const head = `| ${block.header.map((h) => md(h)).join(' | ')} |`;
      const rule = `| ${block.header.map(() => '---').join(' | ')} |`;
      const rows = block.rows.map((r) => `| ${r.map((c) => md(String(c))).join(' | ')} |`);
      return [
        `**${block.caption}**`,
        '',
        head,
        rule,
        ...(rows.length ? rows : [`| ${block.header.map(() => '').join(' | ')} |`]),
      ].join('\n');
    }
    case 'chart':
      return `*${block.caption}: see datasheet.html; the numbers are in the table above.*`;
    case 'images':
      return `*${block.caption}: ${block.items.length} thumbnail(s) in datasheet.html.*`;
    case 'notes': {
      const mark =
        block.tone === 'ok' ? '' : block.tone === 'warn' ? '**Warning:** ' : '**Error:** ';
      return block.items.map((i) => `> ${mark}${i}`).join('\n>\n');
    }
  }
}

/** The datasheet as Markdown. */
export function renderMarkdown(doc: DatasheetDocument, notices: string[]): Promise<string> {
  const body = doc.sections
    .map((s) => [`## ${s.title}`, ...s.blocks.map(mdBlock)].join('\n\n'))
    .join('\n\n');
  return fillTemplate('datasheet.md', {
    title: doc.title,
    subtitle: doc.subtitle,
    generated: doc.generated,
    notices: notices.map((n) => `> **Warning:** ${n}`).join('\n>\n'),
    body,
  });
}

function h(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function htmlField(r: FieldRow): string {
  const mark = r.measured ? '<span class="measured">measured</span>' : '';
  const unanswered = r.value === 'not stated' ? ' class="unanswered"' : '';
  return `<dt>${h(r.label)}${mark}</dt><dd${unanswered}>${h(r.value)}</dd>`;
}

function htmlThumb(i: { label: string; dataUri: string }): string {
  const caption = `<figcaption>${h(i.label)}</figcaption>`;
  return `<figure><img alt="${h(i.label)}" src="${i.dataUri}">${caption}</figure>`;
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'fields':
      return `<dl>${block.rows.map(htmlField).join('')}</dl>`;
    case 'table': {
      const head = `<tr>${block.header.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`;
      const rows = block.rows.map(
        (r) =>
          `<tr>${r.map((c) => (typeof c === 'number' ? `<td class="num">${c}</td>` : `<td>${h(c)}</td>`)).join('')}</tr>`,
      );
      return `<table><caption>${h(block.caption)}</caption>${head}${rows.join('')}</table>`;
    }
    case 'chart':
      return `<figure><figcaption>${h(block.caption)}</figcaption>${block.svg}</figure>`;
    case 'images':
      return `<h3>${h(block.caption)}</h3><div class="thumbs">${block.items.map(htmlThumb).join('')}</div>`;
    case 'notes':
      return `<ul class="notes ${block.tone}">${block.items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>`;
  }
}

/** The datasheet as one self-contained HTML page: inline CSS, inline SVG, data-URI images. */
export function renderHtml(doc: DatasheetDocument, notices: string[]): Promise<string> {
  return fillTemplate('datasheet.html', {
    title: h(doc.title),
    subtitle: h(doc.subtitle),
    generated: h(doc.generated),
    toc: doc.sections.map((s) => `<a href="#${s.id}">${h(s.title)}</a>`).join(''),
    notices: notices.length
      ? `<ul class="notes warn">${notices.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`
      : '',
    body: doc.sections
      .map(
        (s) =>
          `<section id="${s.id}"><h2>${h(s.title)}</h2>${s.blocks.map(htmlBlock).join('\n')}</section>`,
      )
      .join('\n'),
  });
}
