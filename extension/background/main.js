/**
 * The background service worker's entry: registers every listener synchronously at the top level
 * (events that wake the worker are not lost) and hands each to the module for its concern:
 * navigation.js (navigation → diagnosis → badge), actions.js (what our pages ask for), retry.js
 * (auto-retry alarms), probe-handlers.js (the network checks). All browser calls go through
 * lib/platform.js and lib/platform-worker.js.
 */
import { ready } from './engine.js';
import * as nav from './navigation.js';
import { answer } from './actions.js';
import * as st from './state.js';
import { ALARM_PREFIX, cancelRetry, onRetryAlarm, resumeOffline } from './retry.js';
import { forgetProbeResults } from './probe-handlers.js';
import { forgetGuidance } from './guidance-tab.js';
import { forgetSettings, logError } from './env.js';
import { takeChange } from './excluded.js';
import { openFirstRun } from './first-run.js';
import * as platform from '../lib/platform.js';
import * as events from '../lib/platform-worker.js';
import { answerApi, forgetApiTab, listenApi, onTopCommit } from './api-watch.js';
import { API_ALARM_PREFIX, onApiRetryAlarm } from './api-retry.js';

// History, probe settings and options: for our own pages and this worker only.
platform.restrictStorage().catch(logError);
nav.listenWebRequest();
listenApi();
platform.onPermissionAdded((p) => {
  if (p.permissions?.includes('webRequest')) {
    nav.headersGranted();
    listenApi();
  }
});
platform.onPermissionRemoved((p) => {
  if (p.permissions?.includes('webRequest')) nav.headersRevoked();
});

// Tabs that failed before this worker listened (open at install or update, restored at start).
events.onInstalledOrStartup(() => {
  nav.readOpenTabs().catch(logError);
});

events.onNavCommitted(nav.onCommitEvent);
// A new page starts with no failing API calls (api-watch.js).
events.onNavCommitted(onTopCommit);
events.onNavCompleted(nav.onCompletedEvent);
events.onNavError(nav.onErrorEvent);

platform.onTabRemoved((tabId) => {
  nav.forgetTabMemory(tabId);
  forgetProbeResults(tabId).catch(() => {});
  forgetGuidance(tabId).catch(() => {});
  forgetApiTab(tabId).catch(() => {});
  Promise.all([st.clearTab(tabId), cancelRetry(tabId)])
    .then(() => st.forgetTab(tabId))
    .catch(logError);
});

events.onAlarm((name) => {
  if (name.startsWith(API_ALARM_PREFIX)) {
    const id = Number(name.slice(API_ALARM_PREFIX.length));
    if (Number.isInteger(id)) onApiRetryAlarm(id).catch(logError);
    return;
  }
  if (!name.startsWith(ALARM_PREFIX)) return;
  const tabId = Number(name.slice(ALARM_PREFIX.length));
  if (Number.isInteger(tabId)) onRetryAlarm(tabId).catch(logError);
});

// Auto-retry pauses while offline (retry.js); the connection back resumes it.
events.onOnline(() => {
  resumeOffline().catch(logError);
});

platform.onStorageChanged((changes, area) => {
  if (area === 'sync') forgetSettings();
  // "Never on this site" changed (the popup, the options): sites just turned off lose their badges.
  if (area === 'local') nav.dropSites(takeChange(changes)).catch(logError);
});

// The first-run page: on install only (not on an update, a browser start or a worker restart).
events.onFirstInstall(() => {
  openFirstRun().catch(logError);
});

// "<host> is back": a click brings its tab to the front.
events.onNotificationClicked((id) => {
  const m = /^back:(\d+):/.exec(id);
  if (m) platform.focusTab(Number(m[1])).catch(() => {});
  events.clearNotification(id).catch(() => {});
});

// Messages from our own pages only (platform.js checks the sender), keyed by `type`.
platform.onOwnMessage((msg) => answer(msg) ?? answerApi(msg));

ready.catch(logError);
