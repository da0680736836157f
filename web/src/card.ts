import { copyText, foldable, h, highlighted, isPlainClick, markedSentences, quotation } from './dom.js';
import type { Citation, Passage, Span } from './protocol.js';
import { cableHref, navigate } from './router.js';

/** A link to a paragraph in the viewer; a plain click stays in the page so the chat survives. */
export function citationLink(citation: Citation, spans: Span[], text: string, className: string): HTMLAnchorElement {
  const link = h('a', { class: className, href: cableHref(citation.ref, citation.key, spans), 'data-citation': citation.label }, text);
  link.addEventListener('click', (event) => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    navigate(link.getAttribute('href') ?? cableHref(citation.ref, citation.key, spans), {
      view: 'cable',
      ref: citation.ref,
      key: citation.key,
      spans,
      fromChat: true,
    });
  });
  return link;
}

/** A button that copies `text()` and says so for a moment. */
export function copyButton(label: string, text: () => string, describedBy?: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': describedBy }, label);
  let timer: number | undefined;
  button.addEventListener('click', () => {
    void copyText(text()).then((ok) => {
      button.textContent = ok ? 'Copied' : 'Copy failed';
      button.classList.toggle('copied', ok);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        button.textContent = label;
        button.classList.remove('copied');
      }, 2000);
    });
  });
  return button;
}

/**
 * One retrieved paragraph. `closest` cards are the near misses of an abstention: same facts for
 * checking, but muted and with the nearest sentence only underlined, because it does not answer.
 */
export function passageCard(passage: Passage, rank: number, closest = false, id?: string): HTMLElement {
  const { citation, cable } = passage;

  const head = h(
    'div',
    { class: 'passage-head' },
    citationLink(citation, passage.highlights, citation.label, 'citation'),
    // The raw ranking score means nothing outside one answer (and changes scale with every refit), so the
    // card shows the rank; the answer's confidence is shown once, above the passages.
    h('span', { class: 'rank', title: `Passage ${rank} of this answer, best match first` }, `#${rank}`),
    copyButton('Copy quote', () => quotation(passage.text, passage.highlights, citation.label), `Copy quote from ${citation.label}`),
  );

  const metaItems = [cable.date, cable.origin, cable.classification].filter((v): v is string => Boolean(v));
  const meta = h(
    'div',
    { class: 'passage-meta' },
    h('span', { class: 'passage-subject' }, cable.subject ?? cable.ref),
    ...metaItems.map((item) => h('span', { class: 'meta-item' }, item)),
  );

  const section =
    passage.heading !== null || passage.marking !== null
      ? h(
          'div',
          { class: 'passage-section' },
          passage.heading !== null ? h('span', { class: 'passage-heading' }, passage.heading) : null,
          passage.marking !== null ? h('span', { class: 'marking', title: 'Portion marking' }, `(${passage.marking})`) : null,
        )
      : null;

  // An answer's card opens on its answering sentences; the rest of the paragraph is one click away.
  const folds = !closest && markedSentences(passage.text, passage.highlights).join(' ').length < passage.text.trim().length - 20;
  const text = h('p', { class: folds ? 'passage-text folded' : 'passage-text' });
  text.appendChild(folds ? foldable(passage.text, passage.highlights) : highlighted(passage.text, passage.highlights, closest ? 'near' : undefined));
  let toggle: HTMLButtonElement | null = null;
  if (folds) {
    const button = h('button', { type: 'button', class: 'unfold', 'aria-expanded': 'false' }, 'Show the whole paragraph');
    button.addEventListener('click', () => {
      const open = text.classList.toggle('folded') === false;
      button.setAttribute('aria-expanded', String(open));
      button.textContent = open ? 'Show the answering sentences only' : 'Show the whole paragraph';
    });
    toggle = button;
  }

  const alsoIn =
    passage.alsoIn !== undefined && passage.alsoIn.length > 0
      ? h(
          'p',
          { class: 'also-in' },
          'also in ',
          ...passage.alsoIn.flatMap((c, i) => [
            i > 0 ? ', ' : null,
            // Same cable: "¶1" is enough; another cable needs its ref to be checkable.
            citationLink(c, [], c.ref === citation.ref && !c.counted ? `¶${c.key}` : c.label, 'also-in-link'),
          ]),
        )
      : null;

  return h(
    'article',
    {
      class: closest ? 'passage passage-closest' : 'passage',
      'data-citation': citation.label,
      'data-rank': rank,
      id: id ?? null,
      tabindex: id ? '-1' : null,
      'aria-label': `${closest ? 'Closest passage' : 'Passage'} ${rank}: ${citation.label}`,
    },
    head,
    meta,
    section,
    text,
    toggle,
    alsoIn,
  );
}
