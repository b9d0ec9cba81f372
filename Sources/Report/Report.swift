import Analysis
import Render
import TrainingLog
