/** Which questions are read as follow-ups, and which names of an answer a follow-up may lean on (no model). */
import { describe, expect, it } from 'vitest';
import { leansOn, namesIn } from '../../src/answer/followup.js';
import { analyseQuestion } from '../../src/retrieve/index.js';

/** Whether the question is read as following up the last of these earlier questions. */
const follows = (question: string, history: string[]) => leansOn(analyseQuestion(question), history.length ? analyseQuestion(history.at(-1)!) : undefined) !== null;
/** The words a conversation of these questions has named. */
const named = (questions: string[]) => new Set(questions.flatMap((q) => [...analyseQuestion(q).mentioned]));

describe('conversations', () => {
  it('take names from the previous answer, not the capital that opens its sentence', () => {
    // 09KABUL4027 ¶1: "Although" once showed up in "Searched as" as a name the follow-up leaned on.
    const sentence = 'Although Karzai still wants Ismail Khan at Energy and Water, he said he would consider other names.';
    expect(namesIn(sentence, named(['Who did Karzai still want as energy minister?']))).toEqual(['Ismail Khan', 'Water']);
    // A name that opens the sentence still counts when the paragraph names it elsewhere too.
    const paragraph = 'IJM Investigator Ron Dunne met Poloff. Dunne reported that Oum Sath shared tips.';
    expect(namesIn('Dunne reported that Oum Sath shared tips.', named(['Who is the IJM investigator?']), paragraph)).toEqual(['Dunne', 'Oum Sath']);
  });

  it('read a question that names nothing as a follow-up, and one that names its subject as new', () => {
    const history = ['Which American Airlines flight had its crew held in Caracas?'];
    expect(follows('What time did the crew finally get out of the country?', history)).toBe(true);
    expect(follows('How many children can the Poipet Transit Center house?', history)).toBe(false);
    // Standalone questions that once were misread, pulling the answer toward the previous turn's paragraph.
    expect(follows('Why did IOM scale back its services around Poipet?', history)).toBe(false);
    expect(follows('What sentence did the recruiter convicted in 2005 get?', history)).toBe(false);
    expect(follows('What time did the crew finally get out of the country?', [])).toBe(false);
  });

  it('read a short question that names only what the previous turn named as a follow-up', () => {
    const farc = ['What did Colombia offer the FARC in 2004 in exchange for hostages?'];
    expect(follows('How did the FARC answer?', farc)).toBe(true);
    expect(follows('How did the FARC answer?', ['Who funded the IOM work in Svay Rieng?'])).toBe(false);
    // A name the previous turn did not mention starts a new topic.
    expect(follows('How did the ELN answer?', farc)).toBe(false);
  });
});
