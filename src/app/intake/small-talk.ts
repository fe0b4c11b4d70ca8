/** Greetings and thanks alone never open a ticket. */
const SMALL_TALK =
  /^(hi|hey|hello|hiya|yo|thanks|thank you|thanks a lot|thx|ty|cheers|ok|okay|cool|great|perfect|got it|sounds good|:[a-z0-9_+-]+:|👍|🙏|🙂)(\s+(all|team|everyone|folks|guys|you|again|so much))?[\s!.]*$/i;

export function isSmallTalk(text: string): boolean {
  return text.trim().length < 60 && SMALL_TALK.test(text.trim());
}
