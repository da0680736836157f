/**
 * Chat people type into any chat box: greetings, thanks, goodbyes, "ok", and questions to the tool itself.
 * None of it is a question the cables answer, and searching it finds paragraphs that happen to say "thank"
 * or "morning". Such a message gets a short reply saying what the tool does instead.
 */
/** Words that make a message social… */
const SOCIAL = new Set(
  `hi hello hey hiya howdy yo greetings thanks thank thx ty cheers morning afternoon evening bye goodbye ok okay k kk
  lol haha hah awesome cool great nice sure yes yeah yep nope sorry welcome sup`.split(/\s+/),
);
/** …and words that may come with them ("thanks so much", "good morning everyone", "ok, bye for now"). */
const FILLER = new Set(`you u so much very a an the and all good day night have nice great for now again there guys everyone folks friend it is that's please no`.split(/\s+/));
/** Messages to the tool about itself, or asking after it. */
const TO_THE_TOOL = /^(who|what) are you|^what('s| is) your name|^what can you do|^are you (a )?(bot|human|real)|^tell me (a|another) (joke|story)|^help( me)?$|^how are you|^how('s| is) it going|^what('s| is) up/;

export function isSmallTalk(text: string): boolean {
  const plain = text.toLowerCase().replace(/[^\p{L}\p{N}'\s]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!plain) return false;
  if (TO_THE_TOOL.test(plain)) return true;
  const words = plain.split(' ');
  return words.some((w) => SOCIAL.has(w)) && words.every((w) => SOCIAL.has(w) || FILLER.has(w));
}

export const SMALL_TALK_NOTE =
  'Nothing to look up in the cables here. Ask a question about what they report, e.g. who said what, when, or how many; each answer quotes and cites the paragraphs it comes from.';
