DROP TABLE event_feedback_pending;
