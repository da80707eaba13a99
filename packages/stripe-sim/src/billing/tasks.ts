// PLACEHOLDER: replaced by the real module in this session.
import type { TaskSource } from '../engine/scheduler.js';

export const billingTasks: TaskSource = () => [];
