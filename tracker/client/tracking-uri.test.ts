import { describe, expect, it } from 'vitest';
import { trackingUri } from './tracking-uri.ts';

describe('trackingUri', () => {
  it('is MLFLOW_TRACKING_URI when set, whatever the tracker port', () => {
    expect(trackingUri({ MLFLOW_TRACKING_URI: 'http://tracker.example:5001/', EDGEFLOW_TRACKER_PORT: '6000' })).toBe(
      'http://tracker.example:5001',
    );
  });

  it('else localhost on EDGEFLOW_TRACKER_PORT, the port npm start gave the tracker', () => {
    expect(trackingUri({ EDGEFLOW_TRACKER_PORT: '6123' })).toBe('http://localhost:6123');
    expect(trackingUri({ MLFLOW_TRACKING_URI: ' ', EDGEFLOW_TRACKER_PORT: '6123' })).toBe('http://localhost:6123');
  });

  it('else localhost:5000', () => {
    expect(trackingUri({})).toBe('http://localhost:5000');
    expect(trackingUri({ EDGEFLOW_TRACKER_PORT: '' })).toBe('http://localhost:5000');
    expect(trackingUri()).toBe('http://localhost:5000');
  });
});
