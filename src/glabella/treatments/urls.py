from django.urls import path  # noqa: F401  (each section below adds its routes)

app_name = "treatments"
urlpatterns = [
    # --- treatment record and face chart (views/records.py) ---
    # --- consultations, reviews, adverse events, recall list (views/care.py) ---
]
