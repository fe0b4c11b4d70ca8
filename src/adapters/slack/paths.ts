/** Where Slack sends events, slash commands and interactivity (one URL for all, as in manifest.yml). */
export const SLACK_EVENTS_PATH = '/slack/events';
