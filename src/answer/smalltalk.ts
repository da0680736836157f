/**
 * Chat people type into any chat box: greetings, thanks, goodbyes, "ok", and questions to the tool itself.
 * None of it is a question the cables answer, and searching it finds paragraphs that happen to say "thank"
 * or "morning". Such a message gets a short reply saying what the tool does instead.
 */
const SOCIAL = new Set(
  `hi hello hey hiya howdy yo greetings thanks thank thx ty cheers much many you good morning afternoon evening night
  day bye goodbye later see ya have a an nice great cool ok okay k kk lol haha hah nice awesome sure yes no yeah yep
  nope please sorry how are doing fine well and very is it going what's up sup welcome again so much all the for
  there guys everyone folks friend`.split(/\s+/),
);
/** Messages to the tool about itself. */
const TO_THE_TOOL = /^(who|what) are you|^what('s| is) your name|^what can you do|^are you (a )?(bot|human|real)|^tell me (a|another) (joke|story)|^help( me)?$/;

export function isSmallTalk(text: string): boolean {
  const plain = text.toLowerCase().replace(/[^\p{L}\p{N}'\s]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!plain) return false;
  if (TO_THE_TOOL.test(plain)) return true;
  return plain.split(' ').every((w) => SOCIAL.has(w));
}

export const SMALL_TALK_NOTE =
  'Nothing to look up in the cables here. Ask a question about what they report, e.g. who said what, when, or how many; each answer quotes and cites the paragraphs it comes from.';
