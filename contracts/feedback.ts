import * as z from 'zod/mini';
import { PredictionEvent } from './prediction-event.ts';

/** Most labels one feedback request (to the worker or to the tracker) carries. */
export const MAX_LABELS_PER_BATCH = 1000;

/** Longest class name a label may give. */
export const MAX_LABEL_LENGTH = 256;

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));

/** A prediction's id as its answer gave it (`prediction_id`, `x-prediction-id`). */
export const PredictionId = PredictionEvent.shape.prediction_id;

/**
 * The true outcome of a prediction: a finite number (a regression's value; a class index — 0 or 1 for a
 * binary model, 0 … k−1 for a multiclass one, in its signature's `labels` order) or one of the model's
 * class names (`labels`). Whether it fits the model is checked where the prediction is known (the
 * tracker): the edge cannot tell which model answered an id.
 */
export const Label = z.union([finite, z.string().check(z.minLength(1), z.maxLength(MAX_LABEL_LENGTH))]);

/** A label: a number or a class name. */
export type Label = z.infer<typeof Label>;

/** One label of a prediction, as a client sends it. */
export const FeedbackLabel = z.object({ prediction_id: PredictionId, label: Label });

/** One label of a prediction. */
export type FeedbackLabel = z.infer<typeof FeedbackLabel>;

/** A batch of labels, as a client sends it. */
export const FeedbackLabels = z.object({
  labels: z.array(FeedbackLabel).check(z.minLength(1), z.maxLength(MAX_LABELS_PER_BATCH)),
});

/** The body of the worker's `POST /feedback`: one label, or a batch of them. */
export const FeedbackRequest = z.union([FeedbackLabel, FeedbackLabels]);

/** A feedback request. */
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

/**
 * A label with the time (epoch ms) the edge received it: what a feedback queue message and the tracker's
 * `POST /api/2.0/edgeflow/feedback` carry. Of two labels of one prediction the later `time` wins.
 */
export const TimedLabel = z.object({ ...FeedbackLabel.shape, time: z.int().check(z.nonnegative()) });

/** A label with its time. */
export type TimedLabel = z.infer<typeof TimedLabel>;

/** A label on the events queue, told apart from a prediction event (which has no `kind`) by its `kind`. */
export const FeedbackMessage = z.object({ kind: z.literal('feedback'), ...TimedLabel.shape });

/** A feedback queue message. */
export type FeedbackMessage = z.infer<typeof FeedbackMessage>;

/** The body of the tracker's `POST /api/2.0/edgeflow/feedback`. */
export const FeedbackBatch = z.object({
  labels: z.array(TimedLabel).check(z.minLength(1), z.maxLength(MAX_LABELS_PER_BATCH)),
});

/** A batch of labels for the tracker. */
export type FeedbackBatch = z.infer<typeof FeedbackBatch>;

/**
 * The extra field of the tracker's 4xx to a feedback batch: the ids of the labels it refused (no stored
 * prediction, or a label that does not fit the prediction's model). Nothing of that batch was stored.
 */
export interface FeedbackRefusal {
  error_code: string;
  message: string;
  prediction_ids: string[];
}
